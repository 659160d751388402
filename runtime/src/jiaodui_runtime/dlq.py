"""Replay a dead-letter topic: move its messages back to the topic they came from.

    python -m jiaodui_runtime.dlq replay identity.events [--bootstrap 127.0.0.1:9092]
    python -m jiaodui_runtime.dlq count  identity.events

Run it once the cause is fixed. Replayed messages keep their event ids, so a
consumer that did apply one after all drops it again through its inbox.
"""

from __future__ import annotations

import argparse
import asyncio

from aiokafka import AIOKafkaConsumer, TopicPartition
from jiaodui_contracts import dlq_topic

from jiaodui_runtime.kafka import new_producer

_DLQ_HEADER_PREFIX = "dlq_"


async def dlq_size(bootstrap: str, topic: str) -> int:
    """Messages in ``<topic>.dlq`` not yet replayed (lag of the replay group)."""
    producer = new_producer(bootstrap, client_id="jiaodui-dlq-count")
    await producer.start()
    try:
        partitions = await producer.partitions_for(dlq_topic(topic))  # fetches metadata
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id="jiaodui-dlq-replay", enable_auto_commit=False
    )
    await consumer.start()
    try:
        tps = [TopicPartition(dlq_topic(topic), p) for p in partitions]
        if not tps:
            return 0
        ends = await consumer.end_offsets(tps)
        total = 0
        for tp in tps:
            committed = await consumer.committed(tp)
            total += ends[tp] - (committed or 0)
        return total
    finally:
        await consumer.stop()


async def replay(bootstrap: str, topic: str, *, idle_ms: int = 2000) -> int:
    """Republish every pending DLQ message to its original topic; return how many."""
    consumer = AIOKafkaConsumer(
        dlq_topic(topic),
        bootstrap_servers=bootstrap,
        group_id="jiaodui-dlq-replay",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    producer = new_producer(bootstrap, client_id="jiaodui-dlq-replay")
    await consumer.start()
    await producer.start()
    moved = 0
    try:
        while batches := await consumer.getmany(timeout_ms=idle_ms, max_records=500):
            for tp, records in batches.items():
                for record in records:
                    headers = dict(record.headers or ())
                    original = headers.get("dlq_original_topic", topic.encode()).decode()
                    await producer.send_and_wait(
                        original,
                        value=record.value,
                        key=record.key,
                        headers=[
                            (k, v)
                            for k, v in (record.headers or ())
                            if not k.startswith(_DLQ_HEADER_PREFIX)
                        ],
                    )
                    moved += 1
                await consumer.commit({tp: records[-1].offset + 1})
    finally:
        await producer.stop()
        await consumer.stop()
    return moved


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("action", choices=["replay", "count"])
    parser.add_argument("topic", help="the original topic, e.g. identity.events")
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    args = parser.parse_args()
    if args.action == "count":
        print(asyncio.run(dlq_size(args.bootstrap, args.topic)))
    else:
        print(f"replayed {asyncio.run(replay(args.bootstrap, args.topic))} messages")


if __name__ == "__main__":
    main()
