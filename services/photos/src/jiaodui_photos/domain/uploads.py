"""Batch manifests and per-file checks: rules only, no I/O."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

KINDS = frozenset({"graduation", "admission"})
ID_TYPES = frozenset({"resident_id", "passport", "hk_macao_permit", "taiwan_permit"})
BY_IDENTITY = ("file", "kind", "institution_code", "name", "id_type", "id_number", "student_number")
BY_CODE = ("file", "kind", "collection_code")
# text PostgreSQL cannot store: replaced (so the report can name the file) and the row refused
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class ManifestError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class ManifestRow:
    file: str
    kind: str
    institution_code: str | None = None
    name: str | None = None
    id_type: str | None = None
    id_number: str | None = None
    student_number: str | None = None
    collection_code: str | None = None
    problem: str | None = None  # a row that cannot be used: the file is reported invalid


def parse_manifest(text: str, *, max_rows: int) -> list[ManifestRow]:
    """Rows of a manifest CSV (header row required); raises ManifestError when unusable."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    try:
        header = tuple(h.strip() for h in reader.fieldnames or ())
    except csv.Error as exc:  # the header row itself (a stray carriage return in a cell)
        raise ManifestError(f"unreadable CSV: {exc}") from exc
    by_code = set(BY_CODE) <= set(header)
    if not by_code and not set(BY_IDENTITY) <= set(header):
        raise ManifestError("the header names neither the identity nor the code columns")
    reader.fieldnames = list(header)
    rows: list[ManifestRow] = []
    try:
        for raw in reader:
            if len(rows) >= max_rows:
                raise ManifestError(f"more than {max_rows} rows")
            rows.append(_row({k: (v or "").strip() for k, v in raw.items() if k}, by_code))
    except csv.Error as exc:
        raise ManifestError(f"unreadable CSV: {exc}") from exc
    return _mark_duplicates(rows)


def _row(raw: dict[str, str], by_code: bool) -> ManifestRow:
    cells = {k: _UNSTORABLE.sub("\ufffd", v) for k, v in raw.items()}
    file, kind = cells.get("file", ""), cells.get("kind", "")
    problem = None if file else "file_missing"
    if problem is None and cells != raw:
        problem = "invalid_characters"
    if problem is None and kind not in KINDS:
        problem = "kind_invalid"
    code = cells.get("collection_code") or None
    if code is not None or (by_code and not cells.get("id_number")):
        return ManifestRow(file, kind, collection_code=code, problem=problem or _need(code))
    id_type = cells.get("id_type", "")
    if problem is None and not all(cells.get(c) for c in ("institution_code", "name")):
        problem = "row_incomplete"
    if problem is None and id_type not in ID_TYPES:
        problem = "id_type_invalid"
    if problem is None and not cells.get("id_number"):
        problem = "row_incomplete"
    return ManifestRow(
        file,
        kind,
        institution_code=cells.get("institution_code") or None,
        name=cells.get("name") or None,
        id_type=id_type or None,
        id_number=cells.get("id_number") or None,
        student_number=cells.get("student_number") or None,
        problem=problem,
    )


def _need(code: str | None) -> str | None:
    return None if code else "row_incomplete"


def _mark_duplicates(rows: list[ManifestRow]) -> list[ManifestRow]:
    seen: set[str] = set()
    marked = []
    for row in rows:
        if row.file in seen and row.problem is None:
            row = ManifestRow(row.file, row.kind, problem="duplicate_row")
        seen.add(row.file)
        marked.append(row)
    return marked


def dimensions_problem(width: int, height: int, *, standard: tuple[int, int]) -> str | None:
    """The certificate photo must have the standard size exactly (480×640 by default)."""
    return None if (width, height) == standard else "wrong_dimensions"
