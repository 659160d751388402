"""Settings of the records service (prefix ``JIAODUI_RECORDS_``)."""

from __future__ import annotations

from typing import ClassVar

from jiaodui_runtime.settings import ServiceSettings
from pydantic_settings import SettingsConfigDict


class RecordsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="JIAODUI_RECORDS_", extra="ignore", frozen=True)
    service_name: ClassVar[str] = "records"

    http_port: int = 8002
