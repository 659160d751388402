"""Property-based checks of batch manifests: what is written is read, nothing else raises."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st
from jiaodui_photos.domain.uploads import (
    BY_CODE,
    BY_IDENTITY,
    ID_TYPES,
    KINDS,
    ManifestError,
    ManifestRow,
    parse_manifest,
)
from jiaodui_runtime.testing.strategies import hostile_text

cell = st.text(st.characters(exclude_categories=("Cs", "Zs", "Cc")), min_size=1, max_size=20)
identity_rows = st.fixed_dictionaries(
    {
        "file": cell,
        "kind": st.sampled_from(sorted(KINDS)),
        "institution_code": cell,
        "name": cell,
        "id_type": st.sampled_from(sorted(ID_TYPES)),
        "id_number": cell,
        "student_number": cell,
    }
)
code_rows = st.fixed_dictionaries(
    {"file": cell, "kind": st.sampled_from(sorted(KINDS)), "collection_code": cell}
)


UNSTORABLE = ("\x00", *(chr(c) for c in range(0xD800, 0xE000)))


def vars_of(row: ManifestRow) -> list[object]:
    return [getattr(row, name) for name in row.__slots__]


def manifest(columns: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return "\ufeff" + out.getvalue()


@given(st.lists(identity_rows, max_size=8, unique_by=lambda r: r["file"]))
def test_identity_rows_read_back_as_written(rows: list[dict[str, str]]) -> None:
    parsed = parse_manifest(manifest(BY_IDENTITY, rows), max_rows=len(rows))
    assert [r.problem for r in parsed] == [None] * len(rows)
    assert [{c: getattr(r, c) for c in BY_IDENTITY} for r in parsed] == [
        {c: v.strip() for c, v in row.items()} for row in rows
    ]


@given(st.lists(code_rows, min_size=1, max_size=8))
def test_code_rows_read_back_and_a_repeated_file_is_marked(rows: list[dict[str, str]]) -> None:
    parsed = parse_manifest(manifest(BY_CODE, rows), max_rows=len(rows))
    assert [r.collection_code for r in parsed if r.problem is None] == [
        row["collection_code"].strip()
        for i, row in enumerate(rows)
        if row["file"] not in {r["file"] for r in rows[:i]}
    ]
    assert {r.problem for r in parsed} <= {None, "duplicate_row"}


@given(st.lists(code_rows, min_size=2, max_size=8))
def test_more_rows_than_allowed_is_refused(rows: list[dict[str, str]]) -> None:
    try:
        parse_manifest(manifest(BY_CODE, rows), max_rows=len(rows) - 1)
    except ManifestError:
        return
    raise AssertionError("a manifest past max_rows was read")


@given(st.one_of(hostile_text(max_size=200), st.builds("\n".join, st.lists(hostile_text()))))
def test_any_text_is_rows_or_a_manifest_error(text: str) -> None:
    for header in ("", ",".join(BY_IDENTITY) + "\n", ",".join(BY_CODE) + "\n"):
        try:
            rows = parse_manifest(header + text, max_rows=50)
        except ManifestError:
            continue
        assert all(isinstance(r.file, str) and isinstance(r.kind, str) for r in rows)
        for row in rows:
            cells = [v for v in vars_of(row) if isinstance(v, str)]
            assert not any(ch in cell for cell in cells for ch in UNSTORABLE)
            assert row.problem is not None or (row.file and row.kind in KINDS)


@given(identity_rows, st.sampled_from(BY_IDENTITY[2:]), st.sampled_from(UNSTORABLE[:3]))
def test_a_cell_the_database_cannot_store_makes_its_row_invalid(
    row: dict[str, str], column: str, bad: str
) -> None:
    text = manifest(BY_IDENTITY, [{**row, column: f"a{bad}b"}])
    assert parse_manifest(text, max_rows=1)[0].problem == "invalid_characters"
