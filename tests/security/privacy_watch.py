"""Where every log file and Kafka topic stands, and everything written to them since.

A privacy scan marks the logs (byte sizes) and topics (end offsets) before a journey,
then reads exactly what was appended after it: the places to search for secrets.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from jiaodui_runtime.kafka import all_topics
from jiaodui_runtime.testing import eventually

# The dev stand-in for the mail and SMS providers: it is the outside world, where codes
# and addresses must arrive.
LOGS_SKIPPED = frozenset({"sinks.log"})
# identity → notify commands: they carry addresses, links and codes by design (DESIGN §4);
# their dead-letter twin holds the same commands.
PRIVATE_TOPICS = frozenset({"notify.requests", "notify.requests.dlq"})
CONSUMER_GROUPS = ("identity", "records", "photos", "notify", "corrections", "reports")

Offsets = dict[TopicPartition, int]


@dataclass(frozen=True, slots=True)
class Place:
    """Text found somewhere, with a name that says exactly where."""

    where: str
    text: str


def log_marks(log_dir: Path) -> dict[str, int]:
    return {path.name: path.stat().st_size for path in log_dir.glob("*.log")}


def log_lines_since(log_dir: Path, marks: dict[str, int]) -> Iterator[Place]:
    """Every line appended to every log since ``marks`` (a new or truncated file: all)."""
    for path in sorted(log_dir.glob("*.log")):
        if path.name in LOGS_SKIPPED:
            continue
        start = marks.get(path.name, 0)
        with path.open("rb") as file:
            if start > path.stat().st_size:
                start = 0
            file.seek(start)
            offset = start
            for line in file:
                yield Place(f"{path.name} byte {offset}", line.decode("utf-8", "replace"))
                offset += len(line)


def _consumer(bootstrap: str) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, client_id="jiaodui-privacy-scan"
    )


async def topic_marks(bootstrap: str) -> Offsets:
    """The end offset of every partition of every system topic (DLQs included)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="jiaodui-privacy-scan")
    await admin.start()
    try:
        described = await admin.describe_topics(all_topics())
    finally:
        await admin.close()
    partitions = [
        TopicPartition(topic["topic"], p["partition"])
        for topic in described
        for p in topic["partitions"]
    ]
    consumer = _consumer(bootstrap)
    await consumer.start()
    try:
        ends: Offsets = await consumer.end_offsets(partitions)
        return ends
    finally:
        await consumer.stop()


async def messages_since(bootstrap: str, marks: Offsets) -> list[Place]:
    """Every message (key, headers, value) appended to a public topic since ``marks``."""
    consumer = _consumer(bootstrap)
    await consumer.start()
    found: list[Place] = []
    try:
        partitions = [tp for tp in marks if tp.topic not in PRIVATE_TOPICS]
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        for tp in partitions:
            consumer.seek(tp, marks[tp])
        left = {tp for tp in partitions if ends[tp] > marks[tp]}
        deadline = time.monotonic() + 60
        while left:
            assert time.monotonic() < deadline, f"could not read to the end of {sorted(left)}"
            batches = await consumer.getmany(timeout_ms=1000)
            for tp, records in batches.items():
                for r in records:
                    if r.offset >= ends[tp]:
                        break
                    headers = " ".join(f"{k}={v.decode('utf-8', 'replace')}" for k, v in r.headers)
                    key = (r.key or b"").decode("utf-8", "replace")
                    value = (r.value or b"").decode("utf-8", "replace")
                    where = f"kafka {tp.topic}[{tp.partition}] offset {r.offset}"
                    found.append(Place(where, f"key={key} headers: {headers} value: {value}"))
                if await consumer.position(tp) >= ends[tp]:
                    left.discard(tp)
        return found
    finally:
        await consumer.stop()


async def wait_until_drained(bootstrap: str, marks: Offsets, *, timeout_s: float = 120) -> None:
    """Until every service's consumer group has committed past ``marks`` on its topics."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="jiaodui-privacy-scan")
    await admin.start()
    try:

        async def behind() -> list[str]:
            lagging = []
            for group in CONSUMER_GROUPS:
                committed = await admin.list_consumer_group_offsets(group)
                topics = {tp.topic for tp in committed}
                for tp, end in marks.items():
                    done = committed[tp].offset if tp in committed else 0
                    if tp.topic in topics and done < end:
                        lagging.append(f"{group} {tp.topic}[{tp.partition}] {done}<{end}")
            return lagging

        async def drained() -> bool:
            return not await behind()

        try:
            await eventually(drained, timeout_s=timeout_s, interval_s=0.5, what="consumers")
        except AssertionError as exc:
            raise AssertionError(f"consumers still behind: {await behind()}") from exc
    finally:
        await admin.close()
