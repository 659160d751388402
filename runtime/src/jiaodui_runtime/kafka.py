"""Kafka plumbing: producers, topic set-up and a readiness probe."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from jiaodui_contracts import TOPICS, dlq_topic

from jiaodui_runtime.logging import get_logger

_log = get_logger(__name__)


def all_topics(topics: Iterable[str] = TOPICS, *, prefix: str = "") -> list[str]:
    """Every topic with its dead-letter twin, under an optional environment prefix."""
    return [prefix + name for topic in topics for name in (topic, dlq_topic(topic))]


def new_producer(bootstrap: str, *, client_id: str) -> AIOKafkaProducer:
    """An idempotent, acks=all producer: no duplicates from retries, order kept per key."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        linger_ms=2,
        max_batch_size=256 * 1024,
        request_timeout_ms=15000,
        compression_type=None,
    )


async def ensure_topics(
    bootstrap: str, *, partitions: int, replication: int, topics: Iterable[str] | None = None
) -> list[str]:
    """Create the topics (and their DLQs) that are missing; return those created."""
    wanted = all_topics() if topics is None else list(topics)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="jiaodui-topics")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in wanted if t not in existing]
        if missing:
            # another instance may win the race to create them: fine
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(
                    [
                        NewTopic(t, num_partitions=partitions, replication_factor=replication)
                        for t in missing
                    ]
                )
            _log.info("topics_created", topics=missing, partitions=partitions)
        return missing
    finally:
        await admin.close()


async def kafka_reachable(producer: AIOKafkaProducer, timeout_s: float = 2.0) -> bool:
    try:
        await asyncio.wait_for(producer.client.fetch_all_metadata(), timeout_s)
    except Exception:
        return False
    return True
