"""Settings of the reports service (prefix ``JIAODUI_REPORTS_``)."""

from __future__ import annotations

from typing import ClassVar

from jiaodui_runtime.settings import ServiceSettings
from pydantic_settings import SettingsConfigDict


class ReportsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="JIAODUI_REPORTS_", extra="ignore", frozen=True)
    service_name: ClassVar[str] = "reports"

    http_port: int = 8007
    stack_dir: str = ".stack"
    # Where the photos of issued reports live: file:///path or s3://bucket/prefix.
    blob_url: str = ""
    # photos' own address (the service, not the gateway): the graduation photo is copied
    # from it, with the student's token, when a report is issued
    photos_url: str = "http://127.0.0.1:8003"
    # fonts with Chinese glyphs (Debian's fonts-wqy-microhei, fonts-noto-cjk); first found wins
    font_paths: tuple[str, ...] = (
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    )
    # PDFs are drawn in a child process (a page parses the CJK font: ~0.5 s of pure-Python
    # CPU and 30-40 MB); it is replaced after this many pages and stops when idle this long
    render_worker_max_tasks: int = 200
    render_worker_idle_s: float = 60.0
    # public checks: per address and for everybody together (enumeration resistance)
    checks_per_ip_per_min: int = 30
    checks_per_ip_per_hour: int = 300
    checks_global_per_min: int = 6000
    # every check answers after at least this long, found or not (no timing hint)
    check_answer_floor_s: float = 0.12
    # keys: a new one every 90 days, published 15 min before it signs; a key signs for at
    # most its 90 days and what it signed lives at most 6 months more, so it is retired
    # 200 days after its successor took over
    key_rotation_days: int = 90
    key_publish_ahead_s: int = 900
    key_retire_after_days: int = 200
    housekeeping_interval_s: float = 300.0

    @property
    def blob_store_url(self) -> str:
        return self.blob_url or f"file://{self.stack_dir}/blobs/reports"
