"""Where the real Kafka, Postgres and Redis for integration tests are.

Order: explicit URLs from the environment (``JIAODUI_TEST_*``); else containers
when a Docker engine answers (testcontainers); else the local stack that
``make run`` starts, at its default ports.
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class StackEndpoints:
    postgres_admin_dsn: str  # a role that may CREATE DATABASE
    kafka_bootstrap: str
    redis_url: str
    gateway_url: str | None
    stack_dir: Path | None

    def dsn_for(self, database: str) -> str:
        """The DSN of ``database`` on the same server(s), options (``?...``) kept."""
        base, _, path = self.postgres_admin_dsn.rpartition("/")
        _, query_mark, query = path.partition("?")
        return f"{base}/{database}{query_mark}{query}"


def _project_root() -> Path:
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "deploy" / "local" / "env.sh").exists():
            return parent
    return Path.cwd()


def _from_environment() -> StackEndpoints | None:
    env = os.environ  # test-only discovery; services read settings, never os.environ
    if "JIAODUI_TEST_POSTGRES_DSN" not in env:
        return None
    stack_dir = env.get("JIAODUI_TEST_STACK_DIR")
    return StackEndpoints(
        postgres_admin_dsn=env["JIAODUI_TEST_POSTGRES_DSN"],
        kafka_bootstrap=env.get("JIAODUI_TEST_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
        redis_url=env.get("JIAODUI_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
        gateway_url=env.get("JIAODUI_TEST_GATEWAY_URL"),
        stack_dir=Path(stack_dir) if stack_dir else None,
    )


def _docker_answers() -> bool:
    """Whether a Docker engine answers on its local socket (a raw ``GET /_ping``)."""
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    if not host.startswith("unix://"):
        return True  # a remote engine was configured explicitly: let testcontainers try it
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(2)
            sock.connect(host.removeprefix("unix://"))
            sock.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
            return b" 200 " in sock.recv(64)
    except OSError:
        return False


@contextlib.contextmanager
def _containers() -> Iterator[StackEndpoints]:
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer
    from testcontainers.redis import RedisContainer

    pg: Any = PostgresContainer("postgres:16-alpine", driver=None)
    kafka: Any = KafkaContainer("apache/kafka:3.9.1").with_kraft()
    redis: Any = RedisContainer("redis:7-alpine")
    with pg, kafka, redis:
        yield StackEndpoints(
            postgres_admin_dsn=pg.get_connection_url(),
            kafka_bootstrap=kafka.get_bootstrap_server(),
            redis_url=f"redis://{redis.get_container_host_ip()}:{redis.get_exposed_port(6379)}/0",
            gateway_url=None,
            stack_dir=None,
        )


def _local_stack() -> StackEndpoints:
    root = _project_root()
    return StackEndpoints(
        postgres_admin_dsn="postgresql://jiaodui:jiaodui@127.0.0.1:5432/postgres",
        kafka_bootstrap="127.0.0.1:9092",
        redis_url="redis://127.0.0.1:6379/0",
        gateway_url="http://127.0.0.1:8080",
        stack_dir=root / ".stack",
    )


@contextlib.contextmanager
def locate_stack() -> Iterator[StackEndpoints]:
    """Yield the endpoints of a real stack for the whole test session."""
    explicit = _from_environment()
    if explicit is not None:
        yield explicit
    elif os.environ.get("JIAODUI_TEST_CONTAINERS", "auto") != "0" and _docker_answers():
        with _containers() as endpoints:
            yield endpoints
    else:
        yield _local_stack()
