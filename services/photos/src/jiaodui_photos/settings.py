"""Settings of the photos service (prefix ``JIAODUI_PHOTOS_``)."""

from __future__ import annotations

from typing import ClassVar

from jiaodui_runtime.settings import ServiceSettings
from pydantic_settings import SettingsConfigDict


class PhotosSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="JIAODUI_PHOTOS_", extra="ignore", frozen=True)
    service_name: ClassVar[str] = "photos"

    http_port: int = 8003
