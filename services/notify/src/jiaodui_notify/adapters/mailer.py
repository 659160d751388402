"""Outgoing mail over SMTP (aiosmtplib)."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib

from jiaodui_notify.settings import NotifySettings


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str | None = None


class SmtpMailer:
    def __init__(self, settings: NotifySettings) -> None:
        self._s = settings

    async def send(self, mail: Mail) -> str:
        message = EmailMessage()
        message["From"] = self._s.mail_from
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message_id = make_msgid(domain="jiaodui.local")
        message["Message-ID"] = message_id
        message.set_content(mail.text)
        if mail.html:
            message.add_alternative(mail.html, subtype="html")
        password = self._s.smtp_password.get_secret_value() if self._s.smtp_password else None
        await aiosmtplib.send(
            message,
            hostname=self._s.smtp_host,
            port=self._s.smtp_port,
            username=self._s.smtp_username,
            password=password,
            start_tls=self._s.smtp_starttls,
            use_tls=self._s.smtp_tls,
            timeout=self._s.smtp_timeout_s,
        )
        return message_id
