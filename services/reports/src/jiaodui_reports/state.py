"""reports' own objects, built once by the composition root (bootstrap)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from jiaodui_runtime.blobs import BlobStore
from jiaodui_runtime.ratelimit import RateLimiter
from jiaodui_runtime.workers import WorkerProcess

from jiaodui_reports.adapters.signing import ReportSigner
from jiaodui_reports.settings import ReportsSettings

SOURCE = "/jiaodui/reports"


@dataclass
class Reports:
    settings: ReportsSettings
    signer: ReportSigner
    blobs: BlobStore
    limiter: RateLimiter
    http: httpx.AsyncClient
    font_path: str
    renderer: WorkerProcess  # draws the PDFs, in a child process of its own

    def check_url(self, code: str) -> str:
        return f"{self.settings.public_base_url.rstrip('/')}/verify/{code}"

    @property
    def jwks_url(self) -> str:
        return f"{self.settings.public_base_url.rstrip('/')}/api/reports/.well-known/jwks.json"
