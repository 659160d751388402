"""The SQL checks of an import batch agree with validate_row, row for row and error for
error (codes, lines, the order errors are kept in, stored values, identity hash)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jiaodui_records.adapters.import_files import csv_rows_of, is_plain
from jiaodui_records.domain.rows import COLUMNS, STORED
from jiaodui_records.domain.vocabulary import ENUMERATIONS
from jiaodui_records.service_layer.imports import undecided_rows, validate
from jiaodui_records.store import staging
from jiaodui_runtime.idcard import ID_TYPES
from jiaodui_runtime.testing.accounts import resident_id

pytestmark = pytest.mark.integration

SECRET = b"set-based-secret"
SCOPE = "T100"
BORN = date(2003, 5, 17)
MALE, FEMALE = resident_id(BORN, "male"), resident_id(BORN, "female")
# no quote, CR, LF or NUL: such chunks never reach SQL (Python reads them)
TEXT = st.text(
    st.characters(blacklist_characters='"\r\n\x00', blacklist_categories=("Cs",)), max_size=8
)


def _variants(field: str) -> list[str]:
    terms = list(ENUMERATIONS[field])
    return [*terms, *(t.upper() for t in terms[:3]), " " + terms[0], "学士", "?", "", "ｍａｌｅ"]


NAMES = ["张三", "Li Lei", "li  lei", "买买提·艾力", "张 三", "Ａｌｉ", "", "x" * 201, "艾\u3000力",
         "\t张三", "O'Neil", "丽丽"]  # fmt: skip
VALUES: dict[str, st.SearchStrategy[str]] = {
    **{f: st.sampled_from(_variants(f)) for f in ENUMERATIONS},
    "birth_date": st.one_of(
        st.sampled_from(
            [
                "2003-05-17",
                "2003/5/17",
                "20030517",
                "2003.05.17",
                " 2003-05-17 ",
                "2003-5-17",
                "2003-02-30",
                "20030230",
                "0000-01-01",
                "2003-W20-6",
                "２００３-05-17",
                "abc",
                "",
                "2003/5/0000000000017",
                "2003/5/17/1",
                "17/05/2003",
                "2003-05-18",
                "2004-1-1",
            ]
        ),
        st.dates().map(lambda d: f"{d.year}/{d.month}/{d.day}"),
    ),
    "enrollment_date": st.sampled_from(["2022-09-01", "2022.9.1", "", "x", "99999999"]),
    "duration_years": st.sampled_from(
        ["4", "3.5", "0", "12", "12.5", ".5", "4.", "1e0", "+4", "four", "４", "", "13", "4_0"]
    ),
    "id_type": st.sampled_from([*ID_TYPES, "resident_id", "resident_id", "driving", ""]),
    "id_number": st.sampled_from(
        [
            MALE,
            FEMALE,
            MALE[:-1] + "0",
            MALE.lower(),
            f" {MALE[:6]} {MALE[6:]}",
            "E12345678",
            "12",
            "abc-123",
            "１１０１０１２００３０５１７１２３４",
            "0" * 18,
            FEMALE[:17] + "x",
            "",
        ]
    ),
    "name": st.one_of(st.sampled_from(NAMES), TEXT),
    "institution_code": st.sampled_from([SCOPE, SCOPE, " T100", "ELSEWHERE", ""]),
    "student_number": st.sampled_from(["S1", "S2", "S3", "", "x" * 201]),
}
GOOD = {
    "institution_code": SCOPE, "institution_name": "测试大学", "student_number": "S1",
    "exam_number": "", "name": "张三", "gender": "male", "ethnicity": "汉族",
    "birth_date": "2003-05-17", "id_type": "resident_id", "id_number": MALE,
    "branch": "信息学院", "department": "计算机系", "major": "软件工程", "class_name": "1班",
    "level": "本科", "duration_years": "4", "education_type": "普通", "study_form": "普通全日制",
    "enrollment_date": "2022-09-01", "status": "在籍", "cohort": "2026",
}  # fmt: skip


@st.composite
def rows(draw: st.DrawFn) -> str:
    values = dict(GOOD)
    for field in draw(st.lists(st.sampled_from(COLUMNS), max_size=4)):
        values[field] = draw(VALUES.get(field, TEXT))
    line = ",".join(values[c] for c in COLUMNS)
    return draw(st.sampled_from([line, line, line, "", " ", "a,b", line + ",extra"]))


@pytest_asyncio.fixture
async def conn(service: Any) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(service.dsn)
    await staging.prepare(connection)
    try:
        yield connection
    finally:
        await connection.close()


Outcome = tuple[list[tuple[Any, ...]], list[tuple[int, str, str]], int, int]


async def by_sql(conn: asyncpg.Connection, body: bytes, header: list[str]) -> Outcome | None:
    """The batch as the service checks it: SQL, and Python for the rows SQL leaves."""
    if not is_plain(body) or not await staging.copy_lines(conn, body):
        return None
    async with conn.transaction():
        await staging.reset(conn)
        checked = await staging.check_lines(
            conn, staging.check_statement(header), base_line=1, width=len(header),
            scope=SCOPE, secret=SECRET,
        )  # fmt: skip
        python = validate(undecided_rows(checked.undecided, header), secret=SECRET, scope=SCOPE)
        await staging.add_rows(conn, python.rows, python.errors, python.ords)
        valid = await conn.fetch(f"SELECT line, {', '.join(STORED)} FROM import_valid")  # noqa: S608
        errors = await conn.fetch(
            "SELECT line, field, code FROM import_row_errors ORDER BY line, ord"
        )
    return (
        sorted(tuple(r) for r in valid),
        [tuple(e) for e in errors],
        checked.total + python.total,
        checked.accepted + python.accepted,
    )


def by_python(body: bytes, header: list[str]) -> Outcome:
    raw, open_quote = csv_rows_of(body, header, base_line=1)
    assert not open_quote
    done = validate(raw, secret=SECRET, scope=SCOPE)
    return (
        sorted((r.line, *r.values) for r in done.rows),
        [(e.line, e.field, e.code) for e in done.errors],
        done.total,
        done.accepted,
    )


def _reorder(line: str, header: list[str]) -> str:
    if line.count(",") != len(COLUMNS) - 1:
        return line
    values = dict(zip(COLUMNS, line.split(","), strict=True))
    return ",".join(values[c] for c in header)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(lines=st.lists(rows(), min_size=1, max_size=12), crlf=st.booleans(), data=st.data())
async def test_sql_and_python_agree_on_every_row(
    conn: asyncpg.Connection, lines: list[str], crlf: bool, data: st.DataObject
) -> None:
    header = list(COLUMNS)
    if data.draw(st.booleans()):  # columns in another order, one optional column missing
        header = data.draw(st.permutations([c for c in COLUMNS if c != "exam_number"]))
        lines = [_reorder(ln, header) for ln in lines]
    end = "\r\n" if crlf else "\n"
    body = (end.join(lines) + data.draw(st.sampled_from(["", end]))).encode()
    sql = await by_sql(conn, body, header)
    if sql is None:
        return  # not a chunk for SQL (Python reads it)
    assert sql == by_python(body, header)


async def test_most_rows_of_a_roster_are_decided_in_sql(conn: asyncpg.Connection) -> None:
    header = list(COLUMNS)
    lines = [",".join({**GOOD, "student_number": f"S{i}"}[c] for c in COLUMNS) for i in range(50)]
    lines[7] = lines[7].replace("张三", "买买提·艾力")  # a name Python folds
    body = ("\n".join(lines) + "\n").encode()
    assert await staging.copy_lines(conn, body)
    async with conn.transaction():
        await staging.reset(conn)
        checked = await staging.check_lines(
            conn, staging.check_statement(header), base_line=1, width=len(header),
            scope=None, secret=SECRET,
        )  # fmt: skip
    assert (checked.total, checked.accepted) == (49, 49)
    assert [line for line, _ in checked.undecided] == [9]
