"""records in-process over the real stack: a database and Kafka topics of its own, and
tokens signed by a key of the test's own (the service trusts it through ``key_source``),
so these tests need neither identity nor mail. Each test makes its own institution."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any, ClassVar

import asyncpg
import httpx
import jwt
import orjson
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jiaodui_contracts import Contract
from jiaodui_contracts.identity import AccountActivated
from jiaodui_contracts.records import RecordsImported, record_bucket
from jiaodui_records.bootstrap import definition
from jiaodui_records.settings import RecordsSettings
from jiaodui_runtime.privacy import identity_hash, mask_id_number
from jiaodui_runtime.service import create_app, run_runtime
from jiaodui_runtime.settings import DEV_IDENTITY_HASH_SECRET
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.events import publish

KID = "records-test"


class _Keys:
    def __init__(self) -> None:
        self.private = Ed25519PrivateKey.generate()

    async def key_for(self, kid: str) -> Any:
        return self.private.public_key() if kid == KID else None


@dataclass
class Service:
    client: httpx.AsyncClient
    keys: _Keys
    dsn: str
    stack: StackEndpoints
    prefix: str

    def headers(self, role: str, **claims: Any) -> dict[str, str]:
        now = int(time.time())
        body = {
            "sub": claims.pop("sub", str(uuid.uuid4())), "role": role, "iat": now,
            "exp": now + 600, "jti": uuid.uuid4().hex, "iss": "jiaodui-identity",
            "aud": "jiaodui", **claims,
        }  # fmt: skip
        token = jwt.encode(body, self.keys.private, algorithm="EdDSA", headers={"kid": KID})
        return {"Authorization": f"Bearer {token}"}

    async def publish(self, *payloads: Contract) -> None:
        await publish(self.stack.kafka_bootstrap, *payloads, topic_prefix=self.prefix)

    async def events(self, event_type: str, subject: str) -> list[dict[str, Any]]:
        """Payloads of the events records wrote to its outbox with this type and subject."""
        conn = await asyncpg.connect(self.dsn)
        try:
            rows = await conn.fetch(
                "SELECT payload FROM outbox WHERE event_type = $1"
                " AND convert_from(payload, 'UTF8')::jsonb ->> 'subject' = $2 ORDER BY seq",
                event_type,
                subject,
            )
        finally:
            await conn.close()
        return [orjson.loads(r["payload"])["data"] for r in rows]

    async def imported(self, record_id: str) -> list[dict[str, Any]]:
        """The record as each RecordsImported about it carried it (the import's, in order)."""
        batches = await self.events(RecordsImported.TYPE, record_bucket(record_id))
        return [r for batch in batches for r in batch["records"] if r["record_id"] == record_id]


@pytest_asyncio.fixture(scope="session")
async def service(stack: StackEndpoints, tmp_path_factory: Any) -> AsyncIterator[Service]:
    name = f"records_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(stack.postgres_admin_dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    prefix = f"{name}."

    class TestSettings(RecordsSettings):
        service_name: ClassVar[str] = name  # its own consumer group

    settings = TestSettings(
        database_url=stack.dsn_for(name),
        kafka_bootstrap=stack.kafka_bootstrap,
        kafka_topic_prefix=prefix,
        kafka_partitions=1,
        redis_url=stack.redis_url,
        import_dir=str(tmp_path_factory.mktemp("imports")),
        import_batch_size=3,
        outbox_poll_interval_s=0.2,
    )
    keys = _Keys()
    service_definition = replace(definition(settings), key_source=lambda rt: keys)
    app = create_app(service_definition)
    async with run_runtime(service_definition) as rt:
        app.state.runtime = rt
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://records") as client:
            yield Service(client, keys, settings.database_url, stack, prefix)

    async def dropped() -> bool:
        # not WITH (FORCE): that may not end an autovacuum worker; a plain DROP does
        admin = await asyncpg.connect(stack.postgres_admin_dsn)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        except asyncpg.ObjectInUseError:
            return False
        finally:
            await admin.close()
        return True

    await eventually(dropped, what=f"dropping {name}")


COLUMNS = (
    "institution_code,institution_name,student_number,exam_number,name,gender,ethnicity,"
    "birth_date,id_type,id_number,branch,department,major,class_name,level,duration_years,"
    "education_type,study_form,enrollment_date,status,cohort"
)
BORN = date(2003, 5, 17)


@dataclass
class School:
    """One institution per test: its registrar, roster rows and imports."""

    service: Service
    code: str = ""
    BORN: ClassVar[date] = BORN
    COLUMNS: ClassVar[str] = COLUMNS

    def __post_init__(self) -> None:
        self.code = self.code or f"T{uuid.uuid4().hex[:8]}"

    @property
    def registrar(self) -> dict[str, str]:
        return self.service.headers("registrar", institution_code=self.code)

    def row(self, number: str, name: str = "张三", **overrides: str) -> str:
        values = {
            "institution_code": self.code, "institution_name": "测试大学",
            "student_number": f"S{uuid.uuid4().hex[:8]}", "exam_number": "",
            "name": name, "gender": "male", "ethnicity": "汉族",
            "birth_date": BORN.isoformat(), "id_type": "resident_id", "id_number": number,
            "branch": "信息学院", "department": "计算机系", "major": "软件工程",
            "class_name": "1班", "level": "本科", "duration_years": "4",
            "education_type": "普通", "study_form": "普通全日制",
            "enrollment_date": "2022-09-01", "status": "在籍", "cohort": "2026",
        }  # fmt: skip
        values.update(overrides)
        return ",".join(values[c] for c in COLUMNS.split(","))

    async def import_csv(self, *rows: str, headers: dict[str, str] | None = None) -> Any:
        body = "\n".join([COLUMNS, *rows]) + "\n"
        answer = await self.service.client.post(
            "/v1/imports",
            content=body.encode(),
            headers={**(headers or self.registrar), "Content-Type": "text/csv"},
        )
        assert answer.status_code == 202, answer.text
        return await self.finished(answer.json()["import_id"], headers)

    async def finished(
        self, import_id: str, headers: dict[str, str] | None = None
    ) -> dict[str, Any]:
        async def done() -> dict[str, Any] | None:
            got = await self.service.client.get(
                f"/v1/imports/{import_id}", headers=headers or self.registrar
            )
            assert got.status_code == 200, got.text
            body: dict[str, Any] = got.json()
            return body if body["status"] in ("done", "failed") else None

        return await eventually(done, what=f"import {import_id}")

    @staticmethod
    def activated(account_id: str, number: str, name: str = "张三") -> AccountActivated:
        return AccountActivated(
            account_id=account_id, name=name, gender="male", birth_date=BORN,
            id_type="resident_id", identity_hash=hash_of(number),
            id_number_masked=mask_id_number(number), activated_at=datetime.now(UTC),
        )  # fmt: skip

    async def state(self, account_id: str) -> dict[str, Any]:
        student = self.service.headers("student", sub=account_id)
        answer = await self.service.client.get("/v1/me/match", headers=student)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    async def records_of(self, account_id: str) -> list[dict[str, Any]]:
        student = self.service.headers("student", sub=account_id)
        answer = await self.service.client.get("/v1/me/records", headers=student)
        assert answer.status_code == 200, answer.text
        found: list[dict[str, Any]] = answer.json()
        return found


def hash_of(number: str) -> str:
    return identity_hash(DEV_IDENTITY_HASH_SECRET.encode(), "resident_id", number)


@pytest_asyncio.fixture
async def school(service: Service) -> School:
    return School(service)
