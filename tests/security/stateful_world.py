"""The world the stateful fuzzing walks through: one fresh institution with its registrar,
photographer and college office, a roster of a few records in one college, open windows,
and one student whose real name and ID are those of a record of that roster (once the match
has gone through the events, their photo and errata flows can succeed, not only be
refused)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import create_staff, create_student, resident_id

from tests.e2e.journey_steps import RECORD_COLUMNS, put_windows

COLLEGE = "信息学院"
COHORT = "2026"
BORN = date(2003, 4, 5)
ROSTER = 4  # records besides the student's


@dataclass(frozen=True)
class World:
    institution: str
    headers: dict[str, dict[str, str]]  # role → Authorization header (student, staff roles)
    student_record: str  # the student's record id
    student: dict[str, str]  # name, id_number, student_number of the student's record
    records: tuple[str, ...]  # every record id of the roster, the student's first
    mail_dir: Path  # the stack's directory, whose mail sink holds activation mails


def roster_row(institution: str, student_number: str, name: str, number: str) -> str:
    return (
        f"{institution},状态机大学,{student_number},,{name},male,汉族,{BORN.isoformat()},"
        f"resident_id,{number},{COLLEGE},计算机系,软件工程,2201,本科,4,普通高等教育,全日制,"
        f"2022-09-01,在籍,{COHORT}"
    )


async def make_world(gateway: httpx.AsyncClient, stack: StackEndpoints) -> World:
    assert stack.stack_dir is not None, "needs the local stack's mail sink"
    institution = f"S{uuid.uuid4().hex[:8]}"
    headers: dict[str, dict[str, str]] = {}
    for role in ("registrar", "photographer", "college_staff"):
        account = await create_staff(
            gateway,
            stack,
            role=role,
            institution_code=institution,
            college=COLLEGE if role == "college_staff" else None,
        )
        headers[role] = account.headers
    await put_windows(gateway, headers["registrar"], institution, COHORT, phase="confirm")
    name, number = "林晓", resident_id(BORN, "male")
    numbers = [f"N{uuid.uuid4().hex[:9]}" for _ in range(ROSTER + 1)]
    rows = [roster_row(institution, numbers[0], name, number)] + [
        roster_row(institution, n, f"同学{i}", resident_id(BORN, "male"))
        for i, n in enumerate(numbers[1:])
    ]
    imported = await gateway.post(
        "/api/records/v1/imports",
        content="\n".join([RECORD_COLUMNS, *rows, ""]).encode(),
        headers={**headers["registrar"], "Content-Type": "text/csv"},
    )
    assert imported.status_code == 202, imported.text

    async def roster() -> dict[str, str] | None:
        page = await gateway.get(
            "/api/records/v1/records",
            params={"institution_code": institution},
            headers=headers["registrar"],
        )
        assert page.status_code == 200, page.text
        ids = {item["student_number"]: item["record_id"] for item in page.json()["items"]}
        return ids if len(ids) == len(rows) else None

    by_number = await eventually(roster, timeout_s=120, what="the imported roster")
    # the account matches its record through identity's and records's events; the walk does
    # not wait for it (a busy stack lags there): until then the student's calls are refused
    student = await create_student(
        gateway, stack, name=name, id_number=number, gender="male", birth_date=BORN
    )
    headers["student"] = student.headers
    return World(
        institution=institution,
        headers=headers,
        student_record=by_number[numbers[0]],
        student={"name": name, "id_number": number, "student_number": numbers[0]},
        records=tuple(by_number[n] for n in numbers),
        mail_dir=stack.stack_dir,
    )
