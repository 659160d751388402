"""What a PostgreSQL failover asks of the runtime: while no host of a multi-host DSN accepts
writes, or a connection died under a request, requests answer 503 ``database_unavailable``
and consumers wait (never a 500 or a dead letter); test helpers keep the DSN's options when
they name another database."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import httpx
from fastapi import FastAPI
from jiaodui_runtime.db import DATABASE_AWAY, database_away
from jiaodui_runtime.errors import install_problem_handlers
from jiaodui_runtime.testing.stack import StackEndpoints

NO_PRIMARY = asyncpg.TargetServerAttributeNotMatched(
    "None of the hosts match the target attribute requirement <SessionAttribute.read_write>"
)


def rollback_after_the_server_vanished() -> asyncpg.InterfaceError:
    """What ``async with conn.transaction()`` raises when the server died mid-transaction:
    its ROLLBACK on the dead connection, raised while handling the error that said so."""
    exc = asyncpg.InterfaceError("connection is closed")
    exc.__context__ = asyncpg.ConnectionDoesNotExistError(
        "connection was closed in the middle of operation"
    )
    return exc


def test_what_says_the_database_is_away() -> None:
    assert isinstance(NO_PRIMARY, DATABASE_AWAY)
    assert database_away(NO_PRIMARY)
    assert database_away(asyncpg.InterfaceError("connection is closed"))
    assert database_away(rollback_after_the_server_vanished())
    leaving = "cannot call Transaction.__aexit__(): the underlying connection is closed"
    assert database_away(asyncpg.InterfaceError(leaving))
    assert database_away(ConnectionRefusedError(111, "Connection refused"))
    wrapped = RuntimeError("handler failed")
    wrapped.__cause__ = asyncpg.CannotConnectNowError("the database system is starting up")
    assert database_away(wrapped)
    # a misuse of a connection is a bug, not an outage
    busy = asyncpg.InterfaceError("cannot perform operation: another operation is in progress")
    assert not database_away(busy)
    assert not database_away(ValueError("bad"))


async def answer_to(exc: Exception) -> httpx.Response:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/write")
    async def write() -> None:
        raise exc

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.get("/write")


async def test_no_writable_host_or_a_dead_connection_is_a_503_with_retry_after() -> None:
    for exc in (NO_PRIMARY, rollback_after_the_server_vanished()):
        answer = await answer_to(exc)
        assert answer.status_code == 503
        assert answer.headers["retry-after"] == "2"
        assert answer.json()["code"] == "database_unavailable"


async def test_a_misused_connection_stays_a_500() -> None:
    busy = asyncpg.InterfaceError("cannot perform operation: another operation is in progress")
    answer = await answer_to(busy)
    assert answer.status_code == 500
    assert answer.json()["code"] == "internal_error"


def test_dsn_for_keeps_hosts_and_options() -> None:
    def endpoints(dsn: str) -> StackEndpoints:
        return StackEndpoints(dsn, "k:9092", "redis://r", None, Path("."))

    multi = (
        "postgresql://u:p@127.0.0.1:5432,127.0.0.1:5433/postgres?target_session_attrs=read-write"
    )
    assert endpoints(multi).dsn_for("photos") == (
        "postgresql://u:p@127.0.0.1:5432,127.0.0.1:5433/photos?target_session_attrs=read-write"
    )
    assert endpoints("postgresql://u:p@h:5432/postgres").dsn_for("x") == (
        "postgresql://u:p@h:5432/x"
    )
