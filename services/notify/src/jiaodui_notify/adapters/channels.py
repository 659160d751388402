"""The delivery channels behind one interface: SMTP mail and an HTTP SMS provider."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

import aiosmtplib
import httpx

from jiaodui_notify.domain.delivery import (
    SendError,
    TransientSendError,
    http_failure,
    smtp_failure,
)
from jiaodui_notify.settings import NotifySettings


@dataclass(frozen=True, slots=True)
class Outgoing:
    to: str
    subject: str
    text: str
    html: str | None = None
    ref: str | None = None
    """Our delivery id, passed to the provider for its logs."""


class Channel(Protocol):
    """Hands one message to its carrier; returns the carrier's id for it.

    Raises :class:`~jiaodui_notify.domain.delivery.SendError` (transient or permanent)
    when the carrier did not take it.
    """

    async def send(self, message: Outgoing) -> str: ...


class SmtpChannel:
    def __init__(self, settings: NotifySettings) -> None:
        self._s = settings

    def _message(self, mail: Outgoing) -> tuple[EmailMessage, str]:
        message = EmailMessage()
        message["From"] = self._s.mail_from
        message["To"] = mail.to
        message["Subject"] = mail.subject
        # one Message-ID per delivery: a resend after a crash between the SMTP answer and
        # our commit carries the same id, so mail clients can fold the duplicate
        domain = self._s.message_id_domain
        message_id = f"<{mail.ref}@{domain}>" if mail.ref else make_msgid(domain=domain)
        message["Message-ID"] = message_id
        message.set_content(mail.text)
        if mail.html:
            message.add_alternative(mail.html, subtype="html")
        return message, message_id

    async def send(self, message: Outgoing) -> str:
        email, message_id = self._message(message)
        password = self._s.smtp_password.get_secret_value() if self._s.smtp_password else None
        try:
            await aiosmtplib.send(
                email,
                hostname=self._s.smtp_host,
                port=self._s.smtp_port,
                username=self._s.smtp_username,
                password=password,
                start_tls=self._s.smtp_starttls,
                use_tls=self._s.smtp_tls,
                timeout=self._s.smtp_timeout_s,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            worst = max(exc.recipients, key=lambda r: r.code)
            raise smtp_failure(worst.code, worst.message) from exc
        except aiosmtplib.SMTPResponseException as exc:
            raise smtp_failure(exc.code, exc.message) from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise TransientSendError(f"smtp unreachable: {type(exc).__name__}") from exc
        return message_id


class HttpSmsChannel:
    """A provider that takes ``POST {phone, text, sender, ref}`` and answers ``{id}``."""

    def __init__(self, settings: NotifySettings, http: httpx.AsyncClient) -> None:
        self._s = settings
        self._http = http

    async def send(self, message: Outgoing) -> str:
        headers = {}
        if self._s.sms_api_key is not None:
            headers["Authorization"] = f"Bearer {self._s.sms_api_key.get_secret_value()}"
        body = {"phone": message.to, "text": message.text, "sender": self._s.sms_sender}
        if message.ref:
            body["ref"] = message.ref
        try:
            answer = await self._http.post(
                self._s.sms_url, json=body, headers=headers, timeout=self._s.sms_timeout_s
            )
        except httpx.HTTPError as exc:
            raise TransientSendError(f"sms provider unreachable: {type(exc).__name__}") from exc
        if answer.status_code >= 300:
            raise http_failure(answer.status_code, answer.text[:200])
        try:
            provider_id = answer.json().get("id")
        except ValueError:
            provider_id = None
        return str(provider_id or "")


__all__ = ["Channel", "HttpSmsChannel", "Outgoing", "SendError", "SmtpChannel"]
