"""Looks at the stack while the load runs: memory per process, PostgreSQL connections, outbox
age per service database, consumer lag and DLQ size from Kafka, log volume."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.coordinator.protocol import ConsumerProtocolMemberMetadata
from aiokafka.errors import KafkaError

from bench.procs import stack_pids
from soak.config import SERVICES, Config
from soak.stats import Sample

APPLICATION = "jiaodui-soak"  # our own connections, left out of the counts
USER_AGENT = "jiaodui-soak/1"


def _status_kb(pid: int, field: str, file: str = "status") -> int:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path(f"/proc/{pid}/{file}").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            # "pid (comm) state ppid ...": comm may hold spaces, so split after the last ')'
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            out[ppid].append(int(stat.parent.name))
    return out


def tree_memory_mb(pid: int, children: dict[int, list[int]]) -> float:
    """A process's RSS; for a tree (postgres backends, nginx workers, pools) the sum of Pss
    less Pss_Shmem: Pss shares pages out instead of counting them once per process, and the
    shared memory left out is PostgreSQL's shared_buffers, which every backend's share of
    grows as the cache warms up to its configured size (a run's first slices read it cold),
    so counting it made warm-up look like a leak."""
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo.extend(children.get(p, []))
    if len(tree) == 1:
        return _status_kb(pid, "VmRSS:") / 1024
    return (
        sum(
            _status_kb(p, "Pss:", "smaps_rollup") - _status_kb(p, "Pss_Shmem:", "smaps_rollup")
            for p in tree
        )
        / 1024
    )


def _postmaster(config: Config) -> int | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int((config.pg_home() / "data" / "postmaster.pid").read_text().split()[0])
    return None


def processes(config: Config) -> dict[str, int]:
    """The stack's processes by name (pid files of .stack/run, and the postmaster)."""
    pids = dict(stack_pids())
    if (postmaster := _postmaster(config)) is not None:
        pids["postgres"] = postmaster
    return pids


def memory(config: Config, pids: dict[str, int]) -> dict[str, float]:
    children = _children()
    found = {name: tree_memory_mb(pid, children) for name, pid in pids.items()}
    return {name: mb for name, mb in found.items() if mb > 0}


class Databases:
    """One connection to each service database (outbox) and one to postgres (activity)."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._conns: dict[str, asyncpg.Connection] = {}

    async def _conn(self, db: str) -> asyncpg.Connection:
        conn = self._conns.get(db)
        if conn is None or conn.is_closed():
            dsn = self._config.postgres.rsplit("/", 1)[0] + f"/{db}"
            conn = await asyncpg.connect(
                dsn, timeout=5, server_settings={"application_name": APPLICATION}
            )
            self._conns[db] = conn
        return conn

    async def connections(self) -> dict[str, int]:
        conn = await self._conn("postgres")
        rows = await conn.fetch(
            "SELECT coalesce(datname, '') AS db, count(*) AS n FROM pg_stat_activity"
            " WHERE backend_type = 'client backend' AND application_name <> $1 GROUP BY 1",
            APPLICATION,
        )
        return {r["db"]: int(r["n"]) for r in rows}

    async def outbox(self) -> dict[str, tuple[int, float]]:
        out = {}
        for db in SERVICES:
            try:
                conn = await self._conn(db)
                row = await conn.fetchrow(
                    "SELECT count(*) AS n,"
                    " coalesce(extract(epoch FROM now() - min(created_at)), 0) AS age"
                    " FROM outbox WHERE published_at IS NULL"
                )
            except (OSError, asyncpg.PostgresError, TimeoutError):
                self._conns.pop(db, None)
                continue
            assert row is not None
            out[db] = (int(row["n"]), float(row["age"]))
        return out

    async def close(self) -> None:
        for conn in self._conns.values():
            with contextlib.suppress(Exception):
                await conn.close()


class Kafka:
    """Consumer lag of the services' groups (committed offsets vs end offsets) and the number
    of messages in every DLQ topic."""

    def __init__(self, config: Config) -> None:
        self._admin = AIOKafkaAdminClient(bootstrap_servers=config.kafka, client_id=APPLICATION)
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=config.kafka, enable_auto_commit=False, client_id=APPLICATION
        )

    async def start(self) -> None:
        await self._admin.start()
        await self._consumer.start()
        await self._consumer.topics()  # metadata of every topic, for the offset look-ups

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self._consumer.stop()
        with contextlib.suppress(Exception):
            await self._admin.close()

    async def lag(self) -> dict[str, int]:
        committed: dict[str, dict[TopicPartition, int]] = {}
        for group in SERVICES:
            try:
                offsets = await self._admin.list_consumer_group_offsets(group)
            except KafkaError:  # a service without a consumer group
                continue
            topics = await self._subscribed(group)
            committed[group] = {
                tp: om.offset
                for tp, om in offsets.items()
                if om.offset >= 0 and (topics is None or tp.topic in topics)
            }
        wanted = {tp for offsets in committed.values() for tp in offsets}
        ends = await self._consumer.end_offsets(list(wanted)) if wanted else {}
        return {
            group: sum(max(0, ends.get(tp, offset) - offset) for tp, offset in offsets.items())
            for group, offsets in committed.items()
            if offsets
        }

    async def _subscribed(self, group: str) -> set[str] | None:
        """The topics the group's live members subscribe to; None when it has no members (a
        stopped service: all its committed offsets count). A group keeps committed offsets
        of topics it no longer reads (subscriptions once read notify.requests): their
        growing "lag" is nobody's backlog."""
        topics: set[str] = set()
        for response in await self._admin.describe_consumer_groups([group]):
            for described in response.groups:
                for member in described[5]:
                    metadata = ConsumerProtocolMemberMetadata.decode(member[3])
                    topics.update(metadata.subscription)
        return topics or None

    async def dlq(self) -> int:
        # the consumer's partitions_for_topic knows only topics it subscribed to (it answered
        # None for every DLQ, so the probe read 0 whatever they held): ask the brokers
        topics = [t for t in await self._admin.list_topics() if t.endswith(".dlq")]
        described = await self._admin.describe_topics(topics) if topics else []
        tps = [
            TopicPartition(d["topic"], p["partition"])
            for d in described
            for p in d.get("partitions", ())
        ]
        if not tps:
            return 0
        starts = await self._consumer.beginning_offsets(tps)
        ends = await self._consumer.end_offsets(tps)
        return sum(ends[tp] - starts[tp] for tp in tps)


class Probes:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.db = Databases(config)
        self.kafka = Kafka(config)
        self.errors: dict[str, int] = defaultdict(int)
        self.load: list[float] = []
        self._pids: dict[str, int] = {}

    async def start(self) -> None:
        await self.kafka.start()

    async def close(self) -> None:
        await self.db.close()
        await self.kafka.close()

    async def _try(self, name: str, probe: Any, default: Any) -> Any:
        try:
            return await asyncio.wait_for(probe(), 10)
        except Exception:  # a probe failing must not stop the soak; it is counted
            self.errors[name] += 1
            return default

    async def sample(self) -> Sample:
        self.load.append(os.getloadavg()[0])
        pids = processes(self.config)
        # a new pid under a known name: someone (or a crash and a supervisor) restarted it
        restarted = sorted(n for n, p in pids.items() if self._pids.get(n, p) != p)
        self._pids = pids
        return Sample(
            at=time.monotonic(),
            restarted=restarted,
            rss_mb=await asyncio.to_thread(memory, self.config, pids),
            pg_connections=await self._try("pg_connections", self.db.connections, {}),
            outbox=await self._try("outbox", self.db.outbox, {}),
            lag=await self._try("lag", self.kafka.lag, {}),
            dlq=await self._try("dlq", self.kafka.dlq, None),
        )


class Logs:
    """Bytes written to the stack's log files between two looks, and how many requests the
    gateway served that were not ours (other people's work on the shared machine)."""

    def __init__(self, log_dir: Path) -> None:
        self._dir = log_dir
        self._sizes = self._now()
        self._access_offset = self._sizes.get("gateway-access.log", 0)

    def _now(self) -> dict[str, int]:
        sizes = {}
        for path in self._dir.glob("*.log"):
            with contextlib.suppress(OSError):
                sizes[path.name] = path.stat().st_size
        return sizes

    def written(self) -> dict[str, int]:
        now = self._now()
        # a file smaller than before was rotated or truncated: all of it is new
        out = {
            name: size - self._sizes.get(name, 0) if size >= self._sizes.get(name, 0) else size
            for name, size in now.items()
        }
        self._sizes = now
        return {name: n for name, n in out.items() if n > 0}

    def other_gateway_requests(self) -> int:
        path = self._dir / "gateway-access.log"
        try:
            with path.open("rb") as f:
                size = path.stat().st_size
                if size < self._access_offset:
                    self._access_offset = 0
                f.seek(self._access_offset)
                chunk = f.read(size - self._access_offset)
        except OSError:
            return 0
        complete = chunk.rfind(b"\n") + 1
        self._access_offset += complete
        lines = chunk[:complete].splitlines()
        return sum(1 for line in lines if USER_AGENT.encode() not in line)


class CpuTop:
    """Which processes used the CPU between two looks (the stack's, the soak's, and whatever
    else shares the machine), by their command line."""

    def __init__(self) -> None:
        self._ticks = self._now()
        self._hz = os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _now() -> dict[int, tuple[int, str]]:
        out = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                cmd = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                out[int(stat.parent.name)] = (int(fields[11]) + int(fields[12]), cmd.strip())
        return out

    def top(self, n: int = 8) -> list[tuple[str, float]]:
        """The ``n`` biggest users of CPU seconds since the last look."""
        now = self._now()
        used: dict[str, float] = defaultdict(float)
        for pid, (ticks, cmd) in now.items():
            before = self._ticks.get(pid, (0, cmd))[0]
            if ticks > before and cmd:
                used[_short(cmd)] += (ticks - before) / self._hz
        self._ticks = now
        return [(cmd, round(s, 1)) for cmd, s in sorted(used.items(), key=lambda u: -u[1])[:n]]


def _short(cmd: str) -> str:
    """A command line as a short key: PostgreSQL backends by database, Java by main class."""
    if cmd.startswith("postgres:"):
        return " ".join(cmd.split()[:3])
    if "java" in cmd.split()[0]:
        return "java " + next((w for w in reversed(cmd.split()) if "." in w and "/" not in w), "")
    return cmd[:90]
