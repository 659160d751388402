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
    # The local stack's folder (JIAODUI_STACK_DIR, shared by every service).
    stack_dir: str = ".stack"
    # Where ID scans live: file:///path or s3://bucket/prefix; empty = <stack dir>/blobs/scans.
    blob_url: str = ""
    scan_max_bytes: int = 1024 * 1024
    scan_max_pixels: int = 25_000_000
    # Scans are deleted this long after their case is closed (default 30 days).
    scan_retention_s: float = 30 * 86400.0
    housekeeping_interval_s: float = 60.0

    @property
    def scan_store_url(self) -> str:
        return self.blob_url or f"file://{self.stack_dir}/blobs/scans"
