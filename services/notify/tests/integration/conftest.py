"""notify in-process over the real stack: a database and Kafka topics of its own, an
SMTP server of the test's own (which can refuse for a while, or for good, by address),
the dev SMS sink, and tokens signed by a key of the test's own."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, ClassVar

import asyncpg
import httpx
import jwt
import orjson
import pytest
import pytest_asyncio
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jiaodui_contracts import CloudEvent, Contract, new_event, to_json_bytes, topic_of
from jiaodui_notify.bootstrap import definition
from jiaodui_notify.settings import NotifySettings
from jiaodui_runtime.kafka import new_producer
from jiaodui_runtime.service import create_app, run_runtime
from jiaodui_runtime.testing import StackEndpoints

KID = "notify-test"


class FlakySmtp:
    """Accepts mail, except for ``tempfail<N>-…`` (451 for the first N tries) and
    ``reject-…`` (550) recipients."""

    def __init__(self) -> None:
        self.received: dict[str, list[EmailMessage]] = defaultdict(list)
        self.tries: Counter[str] = Counter()
        self._lock = threading.Lock()

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        local = address.split("@")[0].lower()
        with self._lock:
            self.tries[address.lower()] += 1
            tries = self.tries[address.lower()]
        if local.startswith("reject-"):
            return "550 5.1.1 mailbox unavailable"
        if local.startswith("tempfail"):
            refusals = int(local.removeprefix("tempfail").split("-")[0])
            if tries <= refusals:
                return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        message = message_from_bytes(envelope.original_content or b"", policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            for rcpt in envelope.rcpt_tos:
                self.received[rcpt.lower()].append(message)
        return "250 OK"

    def mails(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return list(self.received.get(address.lower(), []))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def smtp() -> Iterator[tuple[FlakySmtp, int]]:
    handler = FlakySmtp()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@dataclass
class Service:
    client: httpx.AsyncClient
    private: Ed25519PrivateKey
    dsn: str
    stack: StackEndpoints
    prefix: str
    smtp: FlakySmtp
    sent_envelopes: list[CloudEvent] = field(default_factory=list)

    def headers(self, role: str, sub: str | None = None) -> dict[str, str]:
        now = int(time.time())
        body = {
            "sub": sub or str(uuid.uuid4()), "role": role, "iat": now, "exp": now + 600,
            "jti": uuid.uuid4().hex, "iss": "jiaodui-identity", "aud": "jiaodui",
        }  # fmt: skip
        token = jwt.encode(body, self.private, algorithm="EdDSA", headers={"kid": KID})
        return {"Authorization": f"Bearer {token}"}

    async def publish(self, *payloads: Contract) -> list[CloudEvent]:
        events = [new_event(p, source="/jiaodui/test") for p in payloads]
        await self.redeliver(*events)
        return events

    async def redeliver(self, *events: CloudEvent) -> None:
        """Put these very envelopes (same ids) on Kafka, as a relay does after a crash."""
        producer = new_producer(self.stack.kafka_bootstrap, client_id="notify-test")
        await producer.start()
        try:
            for event in events:
                await producer.send_and_wait(
                    self.prefix + topic_of(event.type),
                    value=to_json_bytes(event),
                    key=event.subject.encode(),
                )
        finally:
            await producer.stop()

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        conn = await asyncpg.connect(self.dsn)
        try:
            return await conn.fetch(sql, *args)
        finally:
            await conn.close()

    async def outcomes(self, event_type: str) -> list[dict[str, Any]]:
        rows = await self.fetch("SELECT payload FROM outbox WHERE event_type = $1", event_type)
        return [orjson.loads(r["payload"])["data"] for r in rows]


@pytest_asyncio.fixture(scope="session")
async def service(stack: StackEndpoints, smtp: tuple[FlakySmtp, int]) -> AsyncIterator[Service]:
    name = f"notify_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(stack.postgres_admin_dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    prefix = f"{name}."

    class TestSettings(NotifySettings):
        service_name: ClassVar[str] = name  # its own consumer group

    settings = TestSettings(
        database_url=stack.dsn_for(name),
        kafka_bootstrap=stack.kafka_bootstrap,
        kafka_topic_prefix=prefix,
        kafka_partitions=1,
        redis_url=stack.redis_url,
        smtp_port=smtp[1],
        public_base_url="https://jiaodui.test",
        delivery_backoff_s=0.1,
        delivery_poll_interval_s=0.1,
        outbox_poll_interval_s=0.2,
        recipient_cap_hour=5,
    )
    private = Ed25519PrivateKey.generate()

    class Keys:
        async def key_for(self, kid: str) -> Any:
            return private.public_key() if kid == KID else None

    service_definition = replace(definition(settings), key_source=lambda rt: Keys())
    app = create_app(service_definition)
    async with run_runtime(service_definition) as rt:
        app.state.runtime = rt
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://notify") as client:
            yield Service(client, private, settings.database_url, stack, prefix, smtp[0])
        for task in rt.tasks:  # the sender loops until cancelled: do not wait out the grace
            if task.get_name().endswith("-deliver"):
                task.cancel()
    admin = await asyncpg.connect(stack.postgres_admin_dsn)
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()
