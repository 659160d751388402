"""Operations through the gateway (DESIGN §6): Prometheus scrapes every service, and its
HTTP API at /api/prometheus/ answers the ops role (and admin) only; the services' metrics
and API documents are kept for them too."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import create_staff, register_and_activate

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
SERVICES = ("identity", "records", "photos", "notify", "corrections")
API = "/api/prometheus/api/v1"
SLOT_STATUSES = {"missing", "pending", "confirmed", "disputed"}


async def ops_headers(gateway: httpx.AsyncClient, stack: StackEndpoints) -> dict[str, str]:
    return (await create_staff(gateway, stack, role="ops")).headers


async def query(gateway: httpx.AsyncClient, headers: dict[str, str], promql: str) -> Any:
    answer = await gateway.get(f"{API}/query", params={"query": promql}, headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "success", body
    return body["data"]["result"]


def assert_problem(answer: httpx.Response, status: int, code: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == code


async def test_ops_see_every_service_up_through_the_gateway(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    ops = await ops_headers(gateway, stack)

    async def every_service_up() -> set[str]:
        up = {r["metric"]["job"] for r in await query(gateway, ops, "up") if r["value"][1] == "1"}
        return up if up >= set(SERVICES) else set()

    await eventually(every_service_up, timeout_s=60, interval_s=0.5, what="up == 1 for all five")
    targets = await gateway.get(f"{API}/targets", headers=ops)
    assert targets.status_code == 200, targets.text
    jobs = {t["labels"]["job"] for t in targets.json()["data"]["activeTargets"]}
    assert jobs >= {*SERVICES, "prometheus"}


async def test_the_alert_rules_are_loaded(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    answer = await gateway.get(f"{API}/rules", headers=await ops_headers(gateway, stack))
    assert answer.status_code == 200, answer.text
    names = {r["name"] for g in answer.json()["data"]["groups"] for r in g["rules"]}
    assert {"ConsumerLagHigh", "OutboxNotDraining", "DeadLettersGrowing"} <= names
    alerts = await gateway.get(f"{API}/alerts", headers=await ops_headers(gateway, stack))
    assert alerts.status_code == 200, alerts.text


async def test_photo_progress_is_a_time_series(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    ops = await ops_headers(gateway, stack)

    async def slot_statuses() -> set[str]:
        series = await query(gateway, ops, 'sum by (status) (photos_slots{job="photos"})')
        return {s["metric"]["status"] for s in series}

    statuses = await eventually(slot_statuses, timeout_s=60, interval_s=0.5, what="photos_slots")
    assert statuses == SLOT_STATUSES


async def test_prometheus_refuses_students_anonymous_callers_and_writes(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    student = (await register_and_activate(gateway, stack)).headers
    path = f"{API}/query?query=up"
    assert_problem(await gateway.get(path), 401, "unauthenticated")
    assert_problem(
        await gateway.get(path, headers={"Authorization": "Bearer not.a.token"}),
        401,
        "unauthenticated",
    )
    assert_problem(await gateway.get(path, headers=student), 403, "forbidden_role")
    written = await gateway.post(path, headers=await ops_headers(gateway, stack))
    assert_problem(written, 405, "method_not_allowed")
    assert written.headers["allow"] == "GET, HEAD"


@pytest.mark.parametrize("page", ["metrics", "openapi.json", "docs", "redoc"])
async def test_metrics_and_api_documents_are_for_operations_only(
    gateway: httpx.AsyncClient, stack: StackEndpoints, page: str
) -> None:
    path = f"/api/photos/{page}"
    assert_problem(await gateway.get(path), 401, "unauthenticated")
    student = (await register_and_activate(gateway, stack)).headers
    assert_problem(await gateway.get(path, headers=student), 403, "forbidden_role")
    answer = await gateway.get(path, headers=await ops_headers(gateway, stack))
    assert answer.status_code == 200, answer.text
