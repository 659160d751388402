"""The composition root every service shares: clients built from settings at start-up.

A service describes itself with a :class:`ServiceDefinition` (its settings, routers,
migrations, event handlers, background jobs); :func:`create_app` turns that into a
FastAPI app whose lifespan builds the pool, Redis, Kafka producer, token verifier,
outbox relay and inbox consumer, and tears them down in reverse order.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import uvicorn
from aiokafka import AIOKafkaProducer
from fastapi import APIRouter, FastAPI
from jiaodui_contracts import EVENT_TYPES, topic_of
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from jiaodui_runtime.auth import JwksKeySource, KeySource, PgRevocationLedger, TokenVerifier
from jiaodui_runtime.consumer import AnyHandler, EventConsumer
from jiaodui_runtime.db import create_pool
from jiaodui_runtime.errors import document_problems, install_problem_handlers
from jiaodui_runtime.health import router as health_router
from jiaodui_runtime.inbox_pruning import keep_pruning_inbox
from jiaodui_runtime.kafka import all_topics, ensure_topics, new_producer
from jiaodui_runtime.logging import configure_logging, get_logger
from jiaodui_runtime.memory import trim_after_bursts
from jiaodui_runtime.middleware import RequestContextMiddleware
from jiaodui_runtime.migrations import Migration, apply_migrations, runtime_migrations
from jiaodui_runtime.openapi_links import Link, document_links
from jiaodui_runtime.outbox import NOTIFY_CHANNEL
from jiaodui_runtime.relay import OutboxRelay
from jiaodui_runtime.settings import ServiceSettings
from jiaodui_runtime.wakes import Wakers

_log = get_logger(__name__)


@dataclass
class ServiceRuntime:
    """The clients of one running service; reached from routes via ``app.state.runtime``."""

    settings: ServiceSettings
    pool: asyncpg.Pool
    redis: Redis
    http: httpx.AsyncClient
    producer: AIOKafkaProducer
    verifier: TokenVerifier
    state: Any = None  # the service's own objects, built by ServiceDefinition.build_state
    relay: OutboxRelay | None = None
    consumer: EventConsumer | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    relay_task: asyncio.Task[None] | None = None
    consumer_task: asyncio.Task[None] | None = None
    wakers: Wakers = field(default_factory=Wakers)
    """Who this process wakes once a transaction that wrote outbox or queue rows committed
    (:mod:`jiaodui_runtime.wakes`): the relay, and the queue workers it runs."""

    @property
    def source(self) -> str:
        return f"/jiaodui/{self.settings.service_name}"

    def outbox_committed(self) -> None:
        """Outbox rows were committed without a NOTIFY in their transaction (a hot path's
        statement): have the relay publish them now, as :mod:`jiaodui_runtime.wakes` does
        after a consumer's batch (:meth:`OutboxRelay.committed`)."""
        self.wakers.wake(NOTIFY_CHANNEL)


@dataclass(frozen=True)
class ServiceDefinition:
    """Everything that makes one service different from the others."""

    settings: ServiceSettings
    routers: Sequence[APIRouter]
    migrations: Sequence[Migration] = ()
    build_state: Callable[[ServiceRuntime], Awaitable[Any]] | None = None
    handlers: Callable[[ServiceRuntime], Mapping[str, AnyHandler]] | None = None
    key_source: Callable[[ServiceRuntime], KeySource] | None = None
    background: Sequence[Callable[[ServiceRuntime], Coroutine[Any, Any, None]]] = ()
    close_state: Callable[[ServiceRuntime], Awaitable[None]] | None = None
    title: str = ""
    keeps_revocations: bool = False
    """The token issuer (identity): revocations also go to its PostgreSQL, and it restores
    Redis's denylist from there whenever Redis lost its data (see jiaodui_runtime.auth)."""
    links: Sequence[Link] = ()  # the main flows, written into the OpenAPI document


async def _start_producer(settings: ServiceSettings, client_id: str) -> AIOKafkaProducer:
    delay = 0.5
    for _ in range(30):
        producer = new_producer(settings.kafka_bootstrap, client_id=client_id)
        try:
            await producer.start()
        except Exception as exc:
            _log.warning("kafka_unavailable_at_start", error=repr(exc))
            with contextlib.suppress(Exception):
                await producer.stop()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
        else:
            return producer
    raise RuntimeError("Kafka did not become reachable")


@contextlib.asynccontextmanager
async def run_runtime(definition: ServiceDefinition) -> AsyncIterator[ServiceRuntime]:
    """Build, start and finally stop every client of a service (usable without HTTP too)."""
    s = definition.settings
    name = s.service_name
    pool = await create_pool(s.database_url, min_size=s.db_pool_min, max_size=s.db_pool_max)
    async with pool.acquire() as conn:
        await apply_migrations(conn, [*runtime_migrations(), *definition.migrations])
    redis = Redis.from_url(
        s.redis_url,
        # a restarted Redis leaves every pooled connection dead: check a connection idle for
        # 5 s before using it, and retry a command on a fresh one for about 1.5 s
        health_check_interval=5,
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=5),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
    )
    http = httpx.AsyncClient()
    client_id = f"{name}{s.kafka_client_id_suffix}"
    await ensure_topics(
        s.kafka_bootstrap,
        partitions=s.kafka_partitions,
        replication=s.kafka_replication,
        topics=all_topics(prefix=s.kafka_topic_prefix),
    )
    producer = await _start_producer(s, client_id)
    ledger = PgRevocationLedger(pool) if definition.keeps_revocations else None

    def verifier(keys: KeySource) -> TokenVerifier:
        return TokenVerifier(
            keys=keys,
            redis=redis,
            issuer=s.jwt_issuer,
            audience=s.jwt_audience,
            require_epoch=s.auth_require_denylist_epoch,
            ledger=ledger,
        )

    rt = ServiceRuntime(
        settings=s,
        pool=pool,
        redis=redis,
        http=http,
        producer=producer,
        verifier=verifier(JwksKeySource(s.jwks_url, http)),
    )
    try:
        if definition.build_state is not None:
            rt.state = await definition.build_state(rt)
        if definition.key_source is not None:
            rt.verifier = verifier(definition.key_source(rt))
        if ledger is not None:
            guard = rt.verifier.guard_denylist()
            rt.tasks.append(asyncio.create_task(guard, name=f"{name}-denylist-guard"))
        rt.relay = OutboxRelay(
            dsn=s.database_url,
            publisher_factory=lambda: new_producer(
                s.kafka_bootstrap, client_id=f"{client_id}-relay"
            ),
            batch_size=s.outbox_batch_size,
            batch_bytes=s.outbox_batch_bytes,
            poll_interval_s=s.outbox_poll_interval_s,
            retention_s=s.outbox_retention_s,
            topic_prefix=s.kafka_topic_prefix,
        )
        rt.relay_task = asyncio.create_task(rt.relay.run(), name=f"{name}-outbox-relay")
        rt.wakers.register(NOTIFY_CHANNEL, rt.relay.committed)
        rt.tasks.append(rt.relay_task)
        handlers = definition.handlers(rt) if definition.handlers is not None else {}
        if handlers:
            rt.consumer = EventConsumer(
                name=name,
                bootstrap=s.kafka_bootstrap,
                pool=pool,
                handlers=handlers,
                topics=sorted({s.kafka_topic_prefix + topic_of(EVENT_TYPES[t]) for t in handlers}),
                dead_letters=producer,
                max_retries=s.consumer_max_retries,
                retry_backoff_s=s.consumer_retry_backoff_s,
                batch_size=s.consumer_batch_size,
                poll_bytes=s.consumer_poll_bytes,
                fetch_partition_bytes=s.consumer_fetch_partition_bytes,
                session_timeout_ms=s.consumer_session_timeout_ms,
                batch_transactions=s.consumer_batch_transactions,
                offset_reset=s.consumer_offset_reset,
                commit_interval_s=s.consumer_commit_interval_s,
                wakers=rt.wakers,
            )
            rt.consumer_task = asyncio.create_task(rt.consumer.run(), name=f"{name}-consumer")
            rt.tasks.append(rt.consumer_task)
            if s.inbox_retention_s > 0:
                pruning = keep_pruning_inbox(
                    pool, retention_s=s.inbox_retention_s, interval_s=s.inbox_prune_interval_s
                )
                rt.tasks.append(asyncio.create_task(pruning, name=f"{name}-inbox-pruning"))
        if s.memory_trim_interval_s > 0:
            trimming = trim_after_bursts(
                interval_s=s.memory_trim_interval_s, grow_bytes=s.memory_trim_grow_mb << 20
            )
            rt.tasks.append(asyncio.create_task(trimming, name=f"{name}-memory-trim"))
        for job in definition.background:
            rt.tasks.append(asyncio.create_task(job(rt), name=f"{name}-{job.__name__}"))
        _log.info("service_started", handlers=sorted(handlers))
        yield rt
    finally:
        await _shutdown(rt, definition)


async def _shutdown(rt: ServiceRuntime, definition: ServiceDefinition) -> None:
    if rt.consumer is not None:
        rt.consumer.stop()
    if rt.relay is not None:
        rt.relay.stop()
    # background jobs are loops that hold no partial work between rounds: cancel them now;
    # the relay and the consumer finish their batch (they were told to stop above)
    for task in rt.tasks:
        if task not in (rt.relay_task, rt.consumer_task):
            task.cancel()
    if rt.tasks:
        _done, pending = await asyncio.wait(rt.tasks, timeout=10)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    if definition.close_state is not None:
        await definition.close_state(rt)
    with contextlib.suppress(Exception):
        await asyncio.wait_for(rt.producer.stop(), 10)
    await rt.http.aclose()
    await rt.redis.aclose()
    await rt.pool.close()
    _log.info("service_stopped")


def create_app(definition: ServiceDefinition) -> FastAPI:
    """The FastAPI app of a service: routes, problems, ids, metrics, lifespan."""
    s = definition.settings
    configure_logging(service=s.service_name, level=s.log_level)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with run_runtime(definition) as rt:
            app.state.runtime = rt
            yield

    app = FastAPI(
        title=definition.title or f"jiaodui {s.service_name}",
        version="1.0.0",
        lifespan=lifespan,
    )
    install_problem_handlers(app)
    app.add_middleware(RequestContextMiddleware)
    app.include_router(health_router)
    for router in definition.routers:
        app.include_router(router)
    document_problems(app)
    document_links(app, definition.links)
    return app


def serve(app_factory: str, settings: ServiceSettings) -> None:
    """Run a service's app factory under uvicorn (uvloop, httptools), as ``python -m``."""
    uvicorn.run(
        app_factory,
        factory=True,
        host=settings.http_host,
        port=settings.http_port,
        loop="uvloop",
        http="httptools",
        log_config=None,
        access_log=False,
        proxy_headers=True,
        timeout_graceful_shutdown=15,
    )
