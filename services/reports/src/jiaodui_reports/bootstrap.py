"""reports' composition root."""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI
from jiaodui_runtime.blobs import blob_store_from_url
from jiaodui_runtime.migrations import load_migrations
from jiaodui_runtime.ratelimit import CounterLedger, RateLimiter
from jiaodui_runtime.service import ServiceDefinition, ServiceRuntime, create_app
from jiaodui_runtime.signing_keys import load_or_create_keys
from jiaodui_runtime.workers import WorkerProcess

from jiaodui_reports.adapters.pdf import find_font
from jiaodui_reports.adapters.signing import ReportSigner
from jiaodui_reports.entrypoints import me, subscriptions, verify
from jiaodui_reports.jobs import housekeeping
from jiaodui_reports.settings import ReportsSettings
from jiaodui_reports.state import Reports


async def build_reports(rt: ServiceRuntime) -> Reports:
    settings = rt.settings
    assert isinstance(settings, ReportsSettings)
    async with rt.pool.acquire() as conn:
        keys = await load_or_create_keys(conn)
    return Reports(
        settings=settings,
        signer=ReportSigner(keys),
        blobs=blob_store_from_url(settings.blob_store_url),
        limiter=RateLimiter(
            rt.redis, "reports", ledger=CounterLedger(rt.pool), secret=settings.identity_hash_key
        ),
        http=rt.http,
        font_path=find_font(settings.font_paths),
        renderer=WorkerProcess(
            name="pdf",
            max_tasks=settings.render_worker_max_tasks,
            idle_s=settings.render_worker_idle_s,
        ),
    )


async def close_reports(rt: ServiceRuntime) -> None:
    if isinstance(rt.state, Reports):
        rt.state.renderer.close()


def definition(settings: ReportsSettings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        settings=settings or ReportsSettings(),
        routers=[me.router, verify.router],
        handlers=subscriptions.handlers,
        background=[housekeeping],
        migrations=load_migrations("reports", files("jiaodui_reports") / "migrations"),
        build_state=build_reports,
        close_state=close_reports,
    )


def create_reports_app() -> FastAPI:
    return create_app(definition())
