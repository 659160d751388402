"""Settings of the records service (prefix ``JIAODUI_RECORDS_``)."""

from __future__ import annotations

from typing import ClassVar

from jiaodui_runtime.settings import ServiceSettings
from pydantic_settings import SettingsConfigDict


class RecordsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="JIAODUI_RECORDS_", extra="ignore", frozen=True)
    service_name: ClassVar[str] = "records"

    http_port: int = 8002
    # where everything local lives (JIAODUI_STACK_DIR); import bodies are kept under it
    # until processed, so an import survives a restart of the service
    stack_dir: str = ".stack"
    import_dir: str = ""
    max_import_bytes: int = 2 * 1024 * 1024 * 1024
    # lines per batch (one transaction: COPY, checks, upsert, events); bigger batches mean
    # fuller RecordsImported events (a bucket gets ~batch/256 records) and fewer statements
    import_batch_size: int = 50_000
    # how many row errors an import keeps (all are counted)
    import_error_limit: int = 1000
    records_page_max: int = 500

    @property
    def imports_path(self) -> str:
        return self.import_dir or f"{self.stack_dir.rstrip('/')}/records-imports"
