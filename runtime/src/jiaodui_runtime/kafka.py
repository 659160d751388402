"""Kafka plumbing: producers, topic set-up and a readiness probe."""

from __future__ import annotations

import asyncio
import contextlib
import struct
from collections.abc import Iterable, Sequence
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from jiaodui_contracts import TOPICS, dlq_topic

from jiaodui_runtime.logging import get_logger

_log = get_logger(__name__)


_M = 0x5BD1E995


def _lanes(pattern: int, n: int) -> int:
    """n 64-bit lanes, each holding ``pattern``, as one integer."""
    return int.from_bytes(pattern.to_bytes(8, "little") * n, "little")


def _lane_bytes(joined: bytes, length: int, offset: int, width: int) -> int:
    """Bytes offset..offset+width of every ``length``-byte key in ``joined``, each in the low
    bytes of its own 64-bit lane."""
    lanes = bytearray(8 * (len(joined) // length))
    for b in range(width):
        lanes[b::8] = joined[offset + b :: length]
    return int.from_bytes(lanes, "little")


def murmur2_many(keys: Sequence[bytes]) -> list[int]:
    """Kafka's key hash (``Utils.murmur2`` of the Java client, aiokafka's ``murmur2``) of
    every key at once.

    aiokafka hashes in a Python loop over the bytes, ~19 µs a key: 35 % of the relay's
    profile, and still half of it with a ``struct`` unpack per key. Here the keys of one
    length are laid side by side in 64-bit lanes of one big integer and every step of the
    hash (32-bit products, shifts, xors) runs on all lanes in one integer operation, so
    the per-key cost is the C loop inside those operations (~1 µs a key).
    """
    out = [0] * len(keys)
    by_length: dict[int, list[int]] = {}
    for i, key in enumerate(keys):
        by_length.setdefault(len(key), []).append(i)
    for length, positions in by_length.items():
        n = len(positions)
        joined = b"".join([keys[i] for i in positions])
        low32, low8 = _lanes(0xFFFFFFFF, n), _lanes(0xFF, n)

        h = _lanes(0x9747B28C ^ length, n)
        for word in range(length >> 2):
            k = (_lane_bytes(joined, length, 4 * word, 4) * _M) & low32
            k = ((k ^ ((k >> 24) & low8)) * _M) & low32
            h = ((h * _M) & low32) ^ k
        if extra := length & 3:
            h = ((h ^ _lane_bytes(joined, length, length & ~3, extra)) * _M) & low32
        h = ((h ^ ((h >> 13) & _lanes(0x7FFFF, n))) * _M) & low32
        h ^= (h >> 15) & _lanes(0x1FFFF, n)
        for i, value in zip(
            positions, struct.unpack(f"<{n}Q", h.to_bytes(8 * n, "little")), strict=True
        ):
            out[i] = value
    return out


def partitions_of(keys: Sequence[bytes], partitions: list[int]) -> list[int]:
    """The partition Kafka's default partitioner picks for each key (Java's and aiokafka's
    alike), ``partitions`` sorted: the relay places records itself and must agree with every
    other producer of the topic (DLQ replay, campus tools) so that one key keeps one order."""
    n = len(partitions)
    return [partitions[(h & 0x7FFFFFFF) % n] for h in murmur2_many(keys)]


def all_topics(topics: Iterable[str] = TOPICS, *, prefix: str = "") -> list[str]:
    """Every topic with its dead-letter twin, under an optional environment prefix."""
    return [prefix + name for topic in topics for name in (topic, dlq_topic(topic))]


BATCHING: dict[str, Any] = {"linger_ms": 2, "max_batch_size": 256 * 1024, "compression_type": None}
"""How producers batch (the benchmark gives Kafka's own producer the same, to compare like
with like)."""


def new_producer(bootstrap: str, *, client_id: str) -> AIOKafkaProducer:
    """An idempotent, acks=all producer: no duplicates from retries, order kept per key."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        request_timeout_ms=15000,
        **BATCHING,
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
