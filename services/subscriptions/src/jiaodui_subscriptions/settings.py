"""Settings of the subscriptions service (prefix ``JIAODUI_SUBSCRIPTIONS_``)."""

from __future__ import annotations

from typing import ClassVar, Literal

from jiaodui_runtime.settings import ServiceSettings
from pydantic import SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

DEV_SEAL_SECRET = "dev-only-subscriptions-seal-secret-change-me"  # noqa: S105
STANDARD_SCHEDULE_S = (5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0)
"""After the 1st..7th failure: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (Standard Webhooks)."""


class SubscriptionsSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="JIAODUI_SUBSCRIPTIONS_", extra="ignore", frozen=True
    )
    service_name: ClassVar[str] = "subscriptions"

    http_port: int = 8006
    # a new installation delivers what happens from now on (not the topics' whole history)
    consumer_offset_reset: Literal["earliest", "latest"] = "latest"
    db_pool_max: int = 30

    # webhook signing secrets are sealed at rest (AES-GCM) with a key from this secret
    seal_secret: SecretStr = SecretStr(DEV_SEAL_SECRET)
    # after a rotation the previous secret keeps signing this long (both signatures sent)
    secret_overlap_s: float = 86400.0

    # lists are JSON in the environment: JIAODUI_SUBSCRIPTIONS_RETRY_SCHEDULE_S='[5, 300]'
    # delivery: success only on 2xx within the timeout; the retry schedule after failures
    delivery_timeout_s: float = 15.0
    retry_schedule_s: tuple[float, ...] = STANDARD_SCHEDULE_S
    # an endpoint failing without a single success for this long is disabled, its owner mailed
    disable_after_s: float = 5 * 86400.0
    # the longest Retry-After honoured (a longer one is capped to it)
    retry_after_max_s: float = 36000.0
    response_excerpt_bytes: int = 1024
    delivery_concurrency: int = 16
    # per endpoint (per instance): requests in flight, and requests per second
    endpoint_concurrency: int = 2
    endpoint_rate_per_s: int = 20
    delivery_poll_interval_s: float = 1.0

    # SSRF guard: endpoints must resolve into these networks; link-local, metadata,
    # multicast and unspecified addresses are always refused, loopback outside dev
    allowed_cidrs: tuple[str, ...] = ("0.0.0.0/0", "::/0")
    allow_loopback: bool | None = None  # None: only in the dev environment

    # events (the feed, replays) are kept this long; at least 14 days (DESIGN §8)
    retention_s: float = 30 * 86400.0
    housekeeping_interval_s: float = 5.0
    feed_max_limit: int = 500

    @field_validator("retention_s")
    @classmethod
    def _at_least_fourteen_days(cls, value: float) -> float:
        if value < 14 * 86400:
            raise ValueError("events are kept at least 14 days (the replay window)")
        return value

    @property
    def loopback_allowed(self) -> bool:
        return self.environment == "dev" if self.allow_loopback is None else self.allow_loopback
