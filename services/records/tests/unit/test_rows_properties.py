"""Property-based checks of import rows: reading CSV/NDJSON files and validating rows."""

from __future__ import annotations

import csv
import itertools
import tempfile
from datetime import date
from pathlib import Path

import orjson
from hypothesis import given
from hypothesis import strategies as st
from jiaodui_records.adapters.import_files import Head, RawRow, read_head, read_rows
from jiaodui_records.domain.rows import (
    COLUMNS,
    MAX_TEXT,
    OPTIONAL_TEXT,
    REQUIRED_TEXT,
    STORED,
    parse_day,
    validate_row,
)
from jiaodui_runtime.testing.accounts import resident_id
from jiaodui_runtime.testing.strategies import hostile_text

SECRET = b"property-secret"
UNSTORABLE = ("\x00", *(chr(c) for c in range(0xD800, 0xE000)))
columns = st.lists(
    st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12), min_size=2, max_size=6,
    unique=True,
)  # fmt: skip
# what an encoder can write: no lone surrogates
writable = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)


def written(data: bytes, suffix: str) -> tuple[list[RawRow], Head]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"import.{suffix}"
        path.write_bytes(data)
        return list(read_rows(path, suffix)), read_head(path, suffix)


@given(columns, st.data())
def test_csv_rows_read_back_as_written(header: list[str], data: st.DataObject) -> None:
    rows = data.draw(st.lists(st.lists(writable, min_size=len(header), max_size=len(header))))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "import.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows([[h.upper() for h in header], *rows])
        read = list(read_rows(path, "csv"))
    assert [r.fields for r in read] == [dict(zip(header, row, strict=True)) for row in rows]
    assert all(a.line < b.line for a, b in itertools.pairwise(read))


scalars = st.one_of(writable, st.integers(-(10**6), 10**6), st.booleans(), st.none())


@given(st.lists(st.dictionaries(st.text("abcxyz_", min_size=1, max_size=8), scalars)))
def test_ndjson_rows_read_back_as_text(rows: list[dict[str, object]]) -> None:
    data = b"".join(orjson.dumps(row) + b"\n" for row in rows)
    read, _head = written(data, "ndjson")
    expected = [{k: "" if v is None else str(v) for k, v in r.items()} for r in rows]
    assert [r.fields for r in read] == expected
    assert [r.line for r in read] == list(range(1, len(rows) + 1))


@given(st.binary(max_size=300), st.sampled_from(["csv", "ndjson"]))
def test_any_bytes_are_read_without_raising(data: bytes, fmt: str) -> None:
    read, _head = written(data, fmt)
    assert all(r.fields is None or isinstance(r.fields, dict) for r in read)


BORN = date(2003, 5, 17)
GOOD = {
    **dict.fromkeys(COLUMNS, "x"), "gender": "女", "birth_date": "2003-05-17",
    "id_type": "resident_id", "level": "硕士", "duration_years": "3",
    "education_type": "普通高等教育", "study_form": "全日制", "enrollment_date": "20220901",
    "status": "注册学籍",
}  # fmt: skip
FREE_TEXT = ("name", *OPTIONAL_TEXT, *REQUIRED_TEXT)
ID_NUMBER = resident_id(BORN, "female")
rows = st.builds(
    lambda free, column, value: {**GOOD, "id_number": ID_NUMBER, **free, column: value},
    st.fixed_dictionaries({}, optional={c: hostile_text(min_size=1) for c in FREE_TEXT}),
    st.sampled_from(COLUMNS),
    hostile_text(max_size=20),
)


@given(rows)
def test_a_row_is_a_record_or_named_errors_never_an_exception(raw: dict[str, str]) -> None:
    row, errors = validate_row(raw, line=7, secret=SECRET)
    assert (row is None) == bool(errors)
    assert all(e.line == 7 and e.field in COLUMNS for e in errors)
    if row is not None:
        for value in row.values:
            if isinstance(value, str):
                assert value == value.strip() and len(value) <= MAX_TEXT
                assert not any(ch in value for ch in UNSTORABLE)
        assert raw["id_number"].strip() not in dict(zip(STORED, row.values, strict=True)).values()


@given(st.sampled_from(COLUMNS), st.sampled_from(UNSTORABLE[:3]))
def test_text_the_database_cannot_store_is_refused_in_any_column(column: str, bad: str) -> None:
    good = dict.fromkeys(COLUMNS, "x")
    _row, errors = validate_row({**good, column: f"a{bad}b"}, line=2, secret=SECRET)
    assert any(e.field == column and e.code == "invalid_characters" for e in errors)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_dates_read_back_however_they_are_written(day: date) -> None:
    for text in (
        day.isoformat(), f"{day:%Y%m%d}", f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month:02d}.{day.day}", f" {day.isoformat()} ",
    ):  # fmt: skip
        assert parse_day(text) == day


@given(hostile_text(max_size=20))
def test_any_text_is_a_date_or_nothing(text: str) -> None:
    assert parse_day(text) is None or isinstance(parse_day(text), date)
