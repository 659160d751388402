"""notify's own objects, built once by the composition root (bootstrap)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from jiaodui_runtime.ratelimit import Limit, RateLimiter
from jiaodui_runtime.retry import RetryPolicy
from jiaodui_runtime.sealing import Sealer

from jiaodui_notify.adapters.channels import Channel
from jiaodui_notify.adapters.templates import Templates
from jiaodui_notify.settings import NotifySettings

SOURCE = "/jiaodui/notify"


@dataclass
class Notify:
    settings: NotifySettings
    templates: Templates
    channels: Mapping[str, Channel]
    sealer: Sealer
    retry: RetryPolicy
    limiter: RateLimiter | None
    caps: list[Limit]
