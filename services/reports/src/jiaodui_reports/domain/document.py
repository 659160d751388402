"""The signed document of a report: the record as issued, in canonical JSON.

Canonical form (the subset of RFC 8785 JCS these documents need): UTF-8, object keys
sorted, no insignificant whitespace, strings and integers only (no floats: a length of
schooling is text). Anyone can rebuild the bytes from the parsed object, so a signature
over them can be checked with any JSON library.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

DOCUMENT_TYPE = "jiaodui.report.v1"

ON_REPORT = (
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "id_type",
    "id_number_masked",
    "institution_name",
    "institution_code",
    "level",
    "major",
    "duration_years",
    "education_type",
    "study_form",
    "branch",
    "department",
    "class_name",
    "student_number",
    "enrollment_date",
    "status",
)
"""The record's fields a report shows, in the order it shows them (never the plain ID)."""


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def snapshot(fields: Mapping[str, Any]) -> dict[str, str | None]:
    """The record as a report shows it: the fields of :data:`ON_REPORT`, each text or None."""
    return {name: _text(fields.get(name)) for name in ON_REPORT}


def _check(value: Any) -> None:
    if isinstance(value, float):
        raise TypeError("canonical documents hold no floats")
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError("object keys must be text")
            _check(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _check(item)


def canonical_json(value: Mapping[str, Any]) -> bytes:
    """The one byte sequence a document has (what is signed)."""
    _check(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def fingerprint(record: Mapping[str, str | None]) -> str:
    """SHA-256 of a snapshot's canonical form: equal exactly when a report would read the same."""
    return hashlib.sha256(canonical_json(record)).hexdigest()


def timestamp(moment: datetime) -> str:
    """UTC to the second, ``2026-07-01T08:00:00Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def document(
    *,
    report_id: str,
    code: str,
    revision: int,
    issued_at: datetime,
    valid_until: datetime,
    record: Mapping[str, str | None],
    photo_sha256: str,
    check_url: str,
) -> dict[str, Any]:
    """What a report's signature covers. ``revision`` grows with each extension (re-signed)."""
    return {
        "type": DOCUMENT_TYPE,
        "report_id": report_id,
        "code": code,
        "revision": revision,
        "issued_at": timestamp(issued_at),
        "valid_until": timestamp(valid_until),
        "record": dict(record),
        "photo_sha256": photo_sha256,
        "check_url": check_url,
    }
