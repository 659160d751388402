"""Settings of the photos service (prefix ``JIAODUI_PHOTOS_``)."""

from __future__ import annotations

from typing import Any, ClassVar

from jiaodui_runtime.settings import ServiceSettings
from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict


class PhotosSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="JIAODUI_PHOTOS_", extra="ignore", frozen=True)
    service_name: ClassVar[str] = "photos"

    http_port: int = 8003
    # where everything local lives (JIAODUI_STACK_DIR); the blob store defaults under it
    stack_dir: str = ".stack"
    # file:///path (or a plain path) or s3://bucket/prefix (AWS settings from the environment)
    blob_url: str = ""

    # the certificate-photo standard (学信网: 480 wide, 640 high)
    photo_width: int = 480
    photo_height: int = 640
    max_pixels: int = 40_000_000

    # upload limits: enforced while streaming and before any file is decompressed
    max_manifest_bytes: int = 2 * 1024 * 1024
    max_archive_bytes: int = 512 * 1024 * 1024
    max_files: int = 5000
    max_file_bytes: int = 2 * 1024 * 1024
    max_total_uncompressed_bytes: int = 2 * 1024 * 1024 * 1024
    max_compression_ratio: float = 50.0  # JPEGs barely compress; far above this is a bomb
    batch_stall_s: float = 300.0  # a batch quiet this long is reported as interrupted

    display_timezone: str = "Asia/Shanghai"
    reminder_interval_s: float = 60.0
    reminder_first_days: float = 3.0
    reminder_last_days: float = 1.0
    slot_metrics_interval_s: float = 15.0  # how often photos_slots is refreshed
    progress_fold_interval_s: float = 1.0  # how often the progress deltas are folded
    image_max_age_s: int = 3600

    # machine checks (DESIGN §9; thresholds: JIAODUI_PHOTOS_CHECK_*, checks/settings.py):
    # worker processes per instance (0: this instance checks nothing), checks claimed per
    # transaction, the poll that backs up NOTIFY, and how much the workers yield to requests
    checker_workers: int = Field(default=1, ge=0, le=64)
    checker_batch: int = Field(default=4, ge=1, le=100)
    checker_poll_interval_s: float = 2.0
    checker_niceness: int = Field(default=5, ge=0, le=19)

    @model_validator(mode="before")
    @classmethod
    def _default_blob_url(cls, values: Any) -> Any:
        if isinstance(values, dict) and not values.get("blob_url"):
            stack_dir = str(values.get("stack_dir") or ".stack").rstrip("/")
            values["blob_url"] = f"file://{stack_dir}/blobs/photos"
        return values
