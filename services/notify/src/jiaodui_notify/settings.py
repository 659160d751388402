"""Settings of the notify service (prefix ``JIAODUI_NOTIFY_``)."""

from __future__ import annotations

from typing import ClassVar

from jiaodui_runtime.settings import ServiceSettings
from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

DEV_SEAL_SECRET = "dev-only-notify-seal-secret-change-me"  # noqa: S105


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
    message_id_domain: str = "jiaodui.local"

    sms_url: str = "http://127.0.0.1:1080/v1/messages"
    sms_sender: str = "jiaodui"
    sms_api_key: SecretStr | None = None
    sms_timeout_s: float = 10.0

    # delivery queue: bounded retries with exponential backoff
    delivery_max_attempts: int = 8
    delivery_backoff_s: float = 5.0
    delivery_backoff_max_s: float = 900.0
    delivery_poll_interval_s: float = 1.0
    delivery_batch_size: int = 20
    delivery_concurrency: int = 4
    # pending payloads (links with tokens) are sealed at rest, wiped once final
    seal_secret: SecretStr = SecretStr(DEV_SEAL_SECRET)

    # per-recipient caps against mail floods: (count, seconds) windows
    recipient_cap_hour: int = 20
    recipient_cap_day: int = 50
