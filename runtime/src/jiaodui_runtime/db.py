"""asyncpg pool creation: the one place that knows how connections are set up."""

from __future__ import annotations

from typing import TypeAlias

import asyncpg
import orjson
from asyncpg.pool import PoolConnectionProxy

DbConnection: TypeAlias = "asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]"
"""A connection of the pool or a single one: what stores and handlers receive."""


DATABASE_AWAY: tuple[type[Exception], ...] = (
    ConnectionError,  # refused, reset (not every OSError: a missing file is no outage)
    asyncpg.PostgresConnectionError,  # class 08, the connection died mid-statement too
    asyncpg.CannotConnectNowError,  # starting up / shutting down
    asyncpg.AdminShutdownError,
    asyncpg.TooManyConnectionsError,
    # a multi-host DSN (target_session_attrs=read-write) during a failover: the hosts that
    # answer are all standbys, none promoted yet
    asyncpg.TargetServerAttributeNotMatched,
)
"""Errors that say the database is unreachable, not that the request or event is bad:
consumers wait them out, HTTP answers 503 with Retry-After."""


def database_away(exc: BaseException) -> bool:
    """Whether ``exc`` says the database is unreachable: one of :data:`DATABASE_AWAY`, or
    asyncpg's "connection is closed" (a statement on a connection that died after it left the
    pool, or ``async with conn.transaction()`` leaving after the server vanished
    mid-transaction: "cannot call Transaction.__aexit__(): the underlying connection is
    closed" replaces the error that said so), or raised while handling one of those."""
    current: BaseException | None = exc
    for _ in range(8):  # the error, and what it was raised while handling
        if current is None:
            return False
        if isinstance(current, DATABASE_AWAY) or (
            isinstance(current, asyncpg.InterfaceError) and "connection is closed" in str(current)
        ):
            return True
        current = current.__cause__ or current.__context__
    return False


def _jsonb_encode(value: object) -> bytes:
    return b"\x01" + orjson.dumps(value)  # binary jsonb: a version byte, then the text


def _jsonb_decode(data: bytes) -> object:
    return orjson.loads(data[1:])


async def _init_connection(conn: DbConnection) -> None:
    # Binary codecs: they also serve COPY (copy_records_to_table), which is binary-only.
    await conn.set_type_codec(
        "jsonb",
        encoder=_jsonb_encode,
        decoder=_jsonb_decode,
        schema="pg_catalog",
        format="binary",
    )
    await conn.set_type_codec(
        "json", encoder=orjson.dumps, decoder=orjson.loads, schema="pg_catalog", format="binary"
    )


async def _keep_session(conn: DbConnection) -> None:
    """The pool's reset: nothing beyond asyncpg's own (it rolls back an open transaction and
    drops listener callbacks). Its default reset query (``pg_advisory_unlock_all(); CLOSE ALL;
    UNLISTEN *; RESET ALL``) is one more round trip on every release: 7 % of the photo-confirm
    profile. It is not needed because no code sets session state on a pooled connection:
    nothing runs ``SET``, listeners and leader locks use their own connections
    (:func:`connect`), and the one session advisory lock taken on a pooled connection (the
    records import runner) is released by its holder in a ``finally``."""


async def create_pool(dsn: str, *, min_size: int = 2, max_size: int = 20) -> asyncpg.Pool:
    """A pool whose connections speak json/jsonb as Python values."""
    pool = await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        reset=_keep_session,
        command_timeout=60,
    )
    assert pool is not None
    return pool


async def connect(dsn: str) -> asyncpg.Connection:
    """A single connection set up like the pool's (for listeners and leaders)."""
    conn: asyncpg.Connection = await asyncpg.connect(dsn)
    await _init_connection(conn)
    return conn
