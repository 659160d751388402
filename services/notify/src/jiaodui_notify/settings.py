"""Settings of the notify service (prefix ``JIAODUI_NOTIFY_``)."""

from __future__ import annotations

from typing import ClassVar

from jiaodui_runtime.settings import ServiceSettings
from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict


class NotifySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="JIAODUI_NOTIFY_", extra="ignore", frozen=True)
    service_name: ClassVar[str] = "notify"

    http_port: int = 8004
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_tls: bool = False
    smtp_timeout_s: float = 10.0
    mail_from: str = "jiaodui <no-reply@jiaodui.local>"
    sms_url: str = "http://127.0.0.1:1080/v1/messages"
    sms_sender: str = "jiaodui"
