"""Hostile input (DESIGN §5): every write route of every service, as its OpenAPI document
declares them, answers a fixed corpus of malformed bodies with a 4xx problem carrying a
``code`` — anonymous and with the token of a role that may call it — never a 5xx, never
a hang, and writes nothing: no row in any service's database carries the corpus marker."""

from __future__ import annotations

import time
import uuid

import asyncpg
import httpx
import pytest
from jiaodui_runtime.testing import StackEndpoints
from jiaodui_runtime.testing.hostile import HostileBody, corpus
from jiaodui_runtime.testing.openapi import SERVICES, Route, write_routes

from tests.security.callers import Callers, fitting_role

pytestmark = pytest.mark.integration
SLOW_S = 10.0  # an answer slower than this counts as a hang


def refusal_problem(answer: httpx.Response, elapsed_s: float) -> str | None:
    """What is wrong with this answer to a hostile request, or None when it is right."""
    if elapsed_s > SLOW_S:
        return f"took {elapsed_s:.1f}s"
    if not 400 <= answer.status_code < 500:
        return f"status {answer.status_code}"
    if not answer.headers.get("content-type", "").startswith("application/problem+json"):
        return f"content-type {answer.headers.get('content-type')}"
    code = answer.json().get("code")
    return None if isinstance(code, str) and code else "no code"


async def send(
    gateway: httpx.AsyncClient, route: Route, path: str, body: HostileBody, who: dict[str, str]
) -> str | None:
    headers = dict(who)
    if body.content_type is not None:
        headers["Content-Type"] = body.content_type
    started = time.monotonic()
    try:
        answer = await gateway.request(route.method, path, content=body.body, headers=headers)
    except httpx.TimeoutException:
        return "no answer (hang)"
    problem = refusal_problem(answer, time.monotonic() - started)
    return f"{problem}: {answer.text[:160]}" if problem else None


async def current_xid(stack: StackEndpoints) -> int:
    conn = await asyncpg.connect(stack.dsn_for(SERVICES[0]))
    try:
        xid: int = await conn.fetchval("SELECT txid_current() % 4294967296")
        return xid
    finally:
        await conn.close()


async def rows_with(stack: StackEndpoints, marker: str, since_xid: int) -> list[str]:
    """``database.table (n)`` for every table, in every service's database, holding marker
    in a row written since transaction ``since_xid`` (older rows are not read: fast)."""
    found = []
    for database in SERVICES:
        conn = await asyncpg.connect(stack.dsn_for(database))
        try:
            tables = await conn.fetch(
                "SELECT quote_ident(table_name) FROM information_schema.tables"
                " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
            for (table,) in tables:
                # CASE fixes the order: the planner ranks `t::text LIKE` as the cheaper
                # condition and would turn every row of every table into text first
                # (minutes for the multi-GB tables a benchmarked stack holds)
                count = await conn.fetchval(
                    f"SELECT count(*) FROM {table} t"  # noqa: S608 - names from the catalogue
                    " WHERE CASE WHEN t.xmin::text::bigint >= $1"
                    " THEN t::text LIKE $2 ELSE false END",
                    since_xid,
                    f"%{marker}%",
                )
                if count:
                    found.append(f"{database}.{table} ({count})")
        finally:
            await conn.close()
    return found


@pytest.mark.parametrize("service", SERVICES)
async def test_every_write_route_refuses_the_corpus_and_writes_nothing(
    service: str, gateway: httpx.AsyncClient, stack: StackEndpoints, callers: Callers
) -> None:
    routes = await write_routes(gateway, service, callers.headers["ops"])
    if not routes:
        pytest.skip(f"{service} has no write route")
    marker = f"hostile{uuid.uuid4().hex[:12]}"
    since_xid = await current_xid(stack)
    failures, sent = [], 0
    for route in routes:
        path = route.gateway_path(callers.path_values)
        # a route without a body has nothing to parse: only its access check is exercised
        roles = (
            [None]
            if route.media is None
            else [None, await fitting_role(gateway, route.method, path, callers)]
        )
        for role in roles:
            who = callers.headers[role] if role else {}
            for body in corpus(route.schema, route.media, marker):
                sent += 1
                if (problem := await send(gateway, route, path, body, who)) is not None:
                    failures.append(f"{route} {body.name} as {role or 'anonymous'}: {problem}")
    failures += [f"written: {where}" for where in await rows_with(stack, marker, since_xid)]
    assert not failures, f"{len(failures)} of {sent} hostile requests:\n" + "\n".join(failures)


async def test_the_marker_scan_finds_what_a_valid_request_writes(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    """The control for the check above: a scan that found nothing ever would prove nothing."""
    marker = f"hostile{uuid.uuid4().hex[:12]}"
    since_xid = await current_xid(stack)
    password = "Control-123"
    answer = await gateway.post(
        "/api/identity/v1/accounts",
        json={
            "email": f"{marker}@example.edu.cn",
            "password": password,
            "password_confirm": password,
            "accept_terms": True,
        },
    )
    assert answer.status_code == 202, answer.text
    assert "identity.accounts (1)" in await rows_with(stack, marker, since_xid)
