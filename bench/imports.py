"""Bulk import of the registry through the gateway vs a bare COPY of the same file."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import random
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
from jiaodui_runtime.idcard import check_digit
from jiaodui_runtime.testing.accounts import create_staff
from jiaodui_runtime.testing.stack import StackEndpoints, locate_stack

from bench._db import UNPUBLISHED, scratch_database
from bench.cpu import measured
from bench.report import Row
from bench.settle import settled

GATEWAY = "http://127.0.0.1:8080"
COLUMNS = [
    "institution_code",
    "institution_name",
    "student_number",
    "exam_number",
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_type",
    "id_number",
    "branch",
    "department",
    "major",
    "class_name",
    "level",
    "duration_years",
    "education_type",
    "study_form",
    "enrollment_date",
    "status",
    "cohort",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"


def write_roster(path: Path, institution: str, n: int, seed: int = 7) -> None:
    """A realistic roster: valid resident IDs agreeing with birth date and gender."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for i in range(n):
            male = rng.random() < 0.5
            year, month, day = 2000 + rng.randrange(5), 1 + rng.randrange(12), 1 + rng.randrange(28)
            seq = rng.randrange(500) * 2 + (1 if male else 0)
            first17 = (
                f"{rng.randint(1, 6)}{rng.randrange(10**5):05d}{year}{month:02d}{day:02d}{seq:03d}"
            )
            college = f"学院{i % 12:02d}"
            writer.writerow(
                [
                    institution,
                    "基准大学",
                    f"S{i:08d}",
                    f"26{i:012d}",
                    rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    "male" if male else "female",
                    "汉族",
                    f"{year}-{month:02d}-{day:02d}",
                    "resident_id",
                    first17 + check_digit(first17),
                    college,
                    f"{college}一系",
                    "计算机科学与技术",
                    f"{college}-{i % 40:02d}班",
                    "bachelor",
                    "4",
                    "regular",
                    "full_time",
                    "2022-09-01",
                    "enrolled",
                    "2026",
                ]
            )


async def _chunks(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as source:
        while chunk := source.read(1 << 20):
            yield chunk


async def bare_copy(path: Path, n: int) -> float:
    async with scratch_database("copy") as dsn:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(f"CREATE TABLE roster ({', '.join(f'{c} text' for c in COLUMNS)})")
            started = time.perf_counter()
            with measured("bare COPY", "row", n), path.open("rb") as source:
                await conn.copy_to_table("roster", source=source, format="csv", header=True)
            return time.perf_counter() - started
        finally:
            await conn.close()


async def imported(stack: StackEndpoints, path: Path, n: int, institution: str) -> float:
    async with httpx.AsyncClient(base_url=GATEWAY, timeout=3600) as api:
        registrar = await create_staff(api, stack, role="registrar", institution_code=institution)
        records_db = await asyncpg.connect(stack.dsn_for("records"))
        try:
            started = time.perf_counter()
            answer = await api.post(
                "/api/records/v1/imports",
                content=_chunks(path),
                headers={**registrar.headers, "Content-Type": "text/csv"},
            )
            assert answer.status_code == 202, answer.text
            import_id = answer.json()["import_id"]
            while True:
                got = await api.get(
                    f"/api/records/v1/imports/{import_id}", headers=registrar.headers
                )
                # a restart of the service (others share this stack) answers 502 for a moment;
                # the import resumes after its last committed batch
                state = got.json() if got.status_code == 200 else {"status": "running"}
                if state["status"] not in ("pending", "running", "receiving", "processing"):
                    break
                await asyncio.sleep(0.5)
            assert state.get("accepted") == n, state
            # "accepted and published": until every RecordImported left the outbox
            while True:
                try:
                    left = await records_db.fetchval(UNPUBLISHED)
                except (asyncpg.InterfaceError, asyncpg.PostgresConnectionError, OSError):
                    left = 1  # PostgreSQL restarted (others' fault tests share it): again
                    with contextlib.suppress(Exception):
                        records_db = await asyncpg.connect(stack.dsn_for("records"))
                if not left:
                    break
                await asyncio.sleep(0.5)
            return time.perf_counter() - started
        finally:
            await records_db.close()


async def bulk_import(n: int = 1_000_000) -> list[Row]:
    institution = f"B{uuid.uuid4().hex[:6]}"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "roster.csv"
        await asyncio.to_thread(write_roster, path, institution, n)
        size_mb = path.stat().st_size / 2**20
        copy_s = await bare_copy(path, n)
        with locate_stack() as stack:
            await settled(timeout_s=3600)  # a scenario run before still applying: not ours
            with measured(f"import {n:,} rows", "row", n):
                ours_s = await imported(stack, path, n, institution)
    return [
        Row(
            "bulk import",
            f"{n:,} rows accepted and published, end to end",
            n / ours_s,
            n / copy_s,
            "rows/s",
            "≥ 50,000 rows/s and ≥ 50 % of COPY",
            "bare COPY of the same file into a text table",
            notes=f"import {ours_s:.1f} s vs COPY {copy_s:.1f} s ({size_mb:.0f} MB CSV)",
        )
    ]
