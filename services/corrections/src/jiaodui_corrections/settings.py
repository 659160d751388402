"""Settings of the corrections service (prefix ``JIAODUI_CORRECTIONS_``)."""

from __future__ import annotations

from typing import ClassVar

from jiaodui_runtime.settings import ServiceSettings
from pydantic_settings import SettingsConfigDict


class CorrectionsSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="JIAODUI_CORRECTIONS_", extra="ignore", frozen=True
    )
    service_name: ClassVar[str] = "corrections"

    http_port: int = 8005
