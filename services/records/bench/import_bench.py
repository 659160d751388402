"""Bulk import benchmark: N generated rows through records vs a bare COPY of the same file.

Runs the records service in-process against the local stack, with a scratch database and
Kafka topics of its own (so the other services' consumers are not flooded), and measures
end to end: upload, validation, upsert, RecordImported events written and published by
the relay. Usage: ``.venv/bin/python services/records/bench/import_bench.py [rows]``.
"""

from __future__ import annotations

import asyncio
import csv
import random
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import asyncpg
import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jiaodui_records.bootstrap import definition
from jiaodui_records.domain.rows import COLUMNS
from jiaodui_records.settings import RecordsSettings
from jiaodui_runtime.service import create_app, run_runtime
from jiaodui_runtime.testing import eventually
from jiaodui_runtime.testing.accounts import resident_id

ADMIN_DSN = "postgresql://jiaodui:jiaodui@127.0.0.1:5432/postgres"
SURNAMES, GIVEN = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超"


def write_roster(path: Path, institution: str, n: int) -> None:
    rng = random.Random(7)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for i in range(n):
            gender = "male" if rng.random() < 0.5 else "female"
            born = date(2000 + rng.randrange(5), 1 + rng.randrange(12), 1 + rng.randrange(28))
            college = f"学院{i % 12:02d}"
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            writer.writerow(
                [institution, "基准大学", f"S{i:08d}", f"26{i:012d}", name, gender, "汉族",
                 born.isoformat(), "resident_id", resident_id(born, gender), college,
                 f"{college}一系", "计算机科学与技术", f"{college}-{i % 40:02d}班", "本科", "4",
                 "普通", "普通全日制", "2022-09-01", "在籍", "2026"]
            )  # fmt: skip


async def scratch(name: str, sql: str = "CREATE DATABASE") -> None:
    admin = await asyncpg.connect(ADMIN_DSN)
    try:
        await admin.execute(f'{sql} "{name}"')
    finally:
        await admin.close()


async def drop(name: str) -> None:
    """Drop a scratch database once its last sessions (autovacuum too) have left."""

    async def dropped() -> bool:
        try:
            await scratch(name, "DROP DATABASE IF EXISTS")
        except asyncpg.ObjectInUseError:
            return False
        return True

    await eventually(dropped, timeout_s=120, interval_s=1.0, what=f"dropping {name}")


async def bare_copy(path: Path) -> float:
    name = f"bench_copy_{uuid.uuid4().hex[:8]}"
    await scratch(name)
    try:
        conn = await asyncpg.connect(ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}")
        await conn.execute(f"CREATE TABLE roster ({', '.join(f'{c} text' for c in COLUMNS)})")
        started = time.perf_counter()
        with path.open("rb") as source:
            await conn.copy_to_table("roster", source=source, format="csv", header=True)
        elapsed = time.perf_counter() - started
        await conn.close()
        return elapsed
    finally:
        await drop(name)


async def chunks(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as source:
        while chunk := source.read(1 << 20):
            yield chunk


async def through_records(path: Path, n: int, institution: str) -> float:
    name = f"bench_records_{uuid.uuid4().hex[:8]}"
    await scratch(name)
    key = Ed25519PrivateKey.generate()

    class Keys:
        async def key_for(self, kid: str) -> Any:
            return key.public_key()

    class BenchSettings(RecordsSettings):
        service_name: ClassVar[str] = name

    settings = BenchSettings(
        database_url=ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}",
        kafka_topic_prefix=f"{name}.",
        import_dir=tempfile.mkdtemp(),
        db_pool_max=6,
    )
    service = replace(definition(settings), key_source=lambda rt: Keys())
    app = create_app(service)
    now = int(time.time())
    claims = {"sub": str(uuid.uuid4()), "role": "registrar", "institution_code": institution,
              "iat": now, "exp": now + 7200, "jti": uuid.uuid4().hex,
              "iss": settings.jwt_issuer, "aud": settings.jwt_audience}  # fmt: skip
    token = jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": "bench"})
    headers = {"Authorization": f"Bearer {token}"}
    try:
        async with run_runtime(service) as rt:
            app.state.runtime = rt
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://r") as api:
                started = time.perf_counter()
                answer = await api.post(
                    "/v1/imports",
                    content=chunks(path),
                    headers={**headers, "Content-Type": "text/csv"},
                    timeout=None,
                )
                assert answer.status_code == 202, answer.text
                status_path = f"/v1/imports/{answer.json()['import_id']}"

                async def finished() -> dict[str, Any] | None:
                    state: dict[str, Any] = (await api.get(status_path, headers=headers)).json()
                    return None if state["status"] in ("pending", "running") else state

                state = await eventually(finished, timeout_s=3600, interval_s=0.2)
                imported_s = time.perf_counter() - started
                assert state["accepted"] == n, state

                async def published() -> bool:
                    async with rt.pool.acquire() as conn:
                        left = await conn.fetchval(
                            "SELECT count(*) FROM outbox WHERE published_at IS NULL"
                        )
                    return left == 0

                await eventually(published, timeout_s=3600, interval_s=0.2)
                total_s = time.perf_counter() - started
                print(
                    f"  imported (committed) in {imported_s:.1f} s: {n / imported_s:,.0f} rows/s",
                    flush=True,
                )
                return total_s
    finally:
        await drop(name)


async def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "roster.csv"
        institution = f"B{uuid.uuid4().hex[:6]}"
        await asyncio.to_thread(write_roster, path, institution, n)
        size = path.stat().st_size / 2**20
        copy_s = await bare_copy(path)
        print(f"  bare COPY: {copy_s:.1f} s = {n / copy_s:,.0f} rows/s", flush=True)
        ours_s = await through_records(path, n, institution)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"bulk import of {n:,} rows ({size:.0f} MB CSV), published end to end:")
    print(f"  records: {ours_s:.1f} s = {n / ours_s:,.0f} rows/s")
    print(f"  bare COPY: {copy_s:.1f} s = {n / copy_s:,.0f} rows/s")
    print(f"  ratio: {copy_s / ours_s:.1%}; peak RSS of this process: {peak:.0f} MB")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
