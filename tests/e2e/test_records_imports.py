"""records through the gateway: a registrar imports its roster (streamed through nginx,
token checked against identity's JWKS). Refusals are covered in-process by
services/records/tests/integration, which need no logins (they are rate-limited)."""

from __future__ import annotations

import uuid
from datetime import date

import httpx
import pytest
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import create_staff, resident_id

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
COLUMNS = (
    "institution_code,institution_name,student_number,exam_number,name,gender,ethnicity,"
    "birth_date,id_type,id_number,branch,department,major,class_name,level,duration_years,"
    "education_type,study_form,enrollment_date,status,cohort"
)
BORN = date(2004, 1, 20)


def row(code: str, student_number: str, id_number: str, level: str = "本科") -> str:
    return (
        f"{code},测试大学,{student_number},,赵六,male,汉族,{BORN.isoformat()},resident_id,"
        f"{id_number},信息学院,计算机系,软件工程,1班,{level},4,普通,普通全日制,2022-09-01,在籍,2026"
    )


async def test_a_registrar_imports_its_roster(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    code = f"R{uuid.uuid4().hex[:8]}"
    registrar = await create_staff(gateway, stack, role="registrar", institution_code=code)
    body = "\n".join(
        [
            COLUMNS,
            row(code, "S1", resident_id(BORN, "male")),
            row(code, "S2", resident_id(BORN, "male"), level="学士"),
            row(code, "S3", resident_id(BORN, "male")),
        ]
    )
    answer = await gateway.post(
        "/api/records/v1/imports",
        content=body.encode(),
        headers={**registrar.headers, "Content-Type": "text/csv"},
    )
    assert answer.status_code == 202, answer.text
    path = f"/api/records/v1/imports/{answer.json()['import_id']}"

    async def finished() -> dict[str, object] | None:
        state: dict[str, object] = (await gateway.get(path, headers=registrar.headers)).json()
        return state if state["status"] == "done" else None

    state = await eventually(finished, what="the import to finish")
    assert (state["accepted"], state["rejected"]) == (2, 1)
    assert state["errors"] == [{"line": 3, "field": "level", "code": "invalid_value"}]
    listed = await gateway.get("/api/records/v1/records", headers=registrar.headers)
    assert [r["student_number"] for r in listed.json()["items"]] == ["S1", "S3"]
