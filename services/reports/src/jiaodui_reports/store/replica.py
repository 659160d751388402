"""The replica of records, matches, graduation photos and open errata (from public events)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from jiaodui_runtime.db import DbConnection

from jiaodui_reports.domain.document import ON_REPORT


async def upsert_records(
    conn: DbConnection, rows: list[tuple[str, str, str, dict[str, str | None]]]
) -> None:
    """Many records at once (record_id, institution_code, branch, snapshot; one row per
    record), in one statement."""
    if not rows:
        return
    await conn.execute(
        """INSERT INTO records (record_id, institution_code, branch, snapshot)
           SELECT r.record_id, r.institution_code, r.branch, r.snapshot::jsonb
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])
                AS r(record_id, institution_code, branch, snapshot)
           ON CONFLICT (record_id) DO UPDATE SET institution_code = EXCLUDED.institution_code,
               branch = EXCLUDED.branch, snapshot = EXCLUDED.snapshot, updated_at = now()""",
        [uuid.UUID(r[0]) for r in rows],
        [r[1] for r in rows],
        [r[2] for r in rows],
        [json.dumps(r[3], ensure_ascii=False) for r in rows],
    )


def _published_text(name: str) -> str:
    """SQL for ``_text(record[name])`` of domain/document.py, for a record as published
    (JSON): a string, or null; a number as Python formats it where that is sure (below)."""
    if name != "duration_years":
        return f"nullif(r.{name}, '')"
    return (
        "CASE json_typeof(r.duration_years) WHEN 'number'"
        " THEN trim_scale(r.duration_years::text::numeric)::text"
        " ELSE nullif(r.duration_years #>> '{}', '') END"
    )


# Python's text of a JSON number (str of an int, f"{x:g}" of a float) is the number's own
# shortest decimal text when it is an integer under 10**6, or has at most 6 significant
# digits and 1e-4 <= |x| < 10**6; any other number (or a non-text value) is left to Python
_SURE = """
CASE json_typeof(r.duration_years)
    WHEN 'number' THEN abs(r.duration_years::text::numeric) < 1000000
        AND (r.duration_years::text !~ '[.eE]'
             OR (abs(r.duration_years::text::numeric) >= 0.0001
                 AND length(replace(ltrim(trim_scale(abs(r.duration_years::text::numeric))::text,
                                          '0.'), '.', '')) <= 6))
    WHEN 'string' THEN true
    WHEN 'null' THEN true
    ELSE r.duration_years IS NULL
END"""
_READ = tuple(n for n in ("record_id", *ON_REPORT) if n not in ("institution_code", "branch"))
"""The record's members read besides its institution and branch (which lead the columns)."""
_NAMES = ", ".join(_READ)
_FIELDS = ", ".join(f"{n} {'json' if n == 'duration_years' else 'text'}" for n in _READ)

# An import's events as published (their Kafka values, in run order): the last version of
# each record in the run (by event, then by its place in the event), kept with its snapshot
# built here where that is sure; returned (as published) where the snapshot is left to Python
# or an open report may be outdated by it, which an import of new records never has. The
# path is taken in one step (every json operator reads the text again; 20.8 -> 13.3 µs a
# record); json, not jsonb, so that a length of schooling is read as its JSON text.
_UPSERT_IMPORTED = f"""
WITH incoming AS (
    SELECT DISTINCT ON (r.record_id) r.*, e.ord, {_SURE} AS sure
    FROM unnest($1::text[]) WITH ORDINALITY AS e(value, ord),
         ROWS FROM (json_to_recordset(json_extract_path(e.value::json, 'data', 'records'))
                    AS (institution_code text, branch text, {_FIELDS}))
             WITH ORDINALITY AS r(institution_code, branch, {_NAMES}, pos)
    ORDER BY r.record_id, e.ord DESC, r.pos DESC
), kept AS (
    INSERT INTO records (record_id, institution_code, branch, snapshot)
    SELECT r.record_id::uuid, r.institution_code, r.branch,
        jsonb_build_object({", ".join(f"'{n}', {_published_text(n)}" for n in ON_REPORT)})
    FROM incoming AS r WHERE sure
    ON CONFLICT (record_id) DO UPDATE SET institution_code = EXCLUDED.institution_code,
        branch = EXCLUDED.branch, snapshot = EXCLUDED.snapshot, updated_at = now()
)
SELECT (($1::text[])[i.ord]::json -> 'data' -> 'records' -> (i.pos::int - 1))::text AS record,
       i.sure
FROM incoming AS i
WHERE NOT i.sure OR EXISTS (
    SELECT 1 FROM reports AS o WHERE o.record_id = i.record_id::uuid
    AND o.closed_at IS NULL AND o.superseded_at IS NULL)
"""  # noqa: S608 - the names are ours


async def upsert_imported(
    conn: DbConnection, published: Sequence[bytes]
) -> list[tuple[dict[str, Any], bool]]:
    """The records of a run of RecordsImported events, given as published (their Kafka
    values, already validated by the consumer), in one statement: the last version of each
    record in the run replaces the replica's, its snapshot built in SQL. Returned, as
    published, with whether SQL kept it: the records whose snapshot SQL leaves to Python (a
    length of schooling that Python would format differently from its JSON text) and those
    with an open report, which the caller checks. No Python per record otherwise."""
    if not published:
        return []
    rows = await conn.fetch(_UPSERT_IMPORTED, [value.decode() for value in published])
    return [(json.loads(r["record"]), r["sure"]) for r in rows]


async def record(conn: DbConnection, record_id: uuid.UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        "SELECT institution_code, branch, snapshot FROM records WHERE record_id = $1", record_id
    )
    if row is None:
        return None
    return {
        "institution_code": row["institution_code"],
        "branch": row["branch"],
        "snapshot": row["snapshot"],  # the pool's codec reads jsonb as Python values
    }


async def add_owners(conn: DbConnection, rows: list[tuple[str, str, datetime]]) -> None:
    """(record_id, account_id, matched_at) pairs, in one statement: a pair already there
    keeps its first time (as one insert per pair did)."""
    if not rows:
        return
    await conn.execute(
        "INSERT INTO record_owners (record_id, account_id, matched_at)"
        " SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[])"
        " ON CONFLICT DO NOTHING",
        [r for r, _, _ in rows],  # UUID texts: asyncpg parses them in C
        [a for _, a, _ in rows],
        [at for _, _, at in rows],
    )


async def remove_owner(conn: DbConnection, account_id: str, record_ids: list[str]) -> list[str]:
    """Drop the named matches of the account (all of them when none are named); the records
    it no longer owns."""
    rows = await conn.fetch(
        "DELETE FROM record_owners WHERE account_id = $1"
        " AND (cardinality($2::uuid[]) = 0 OR record_id = ANY($2::uuid[])) RETURNING record_id",
        uuid.UUID(account_id),
        [uuid.UUID(r) for r in record_ids],
    )
    return [str(r["record_id"]) for r in rows]


async def owns(conn: DbConnection, account_id: str, record_id: uuid.UUID) -> bool:
    return bool(
        await conn.fetchval(
            "SELECT true FROM record_owners WHERE account_id = $1 AND record_id = $2",
            uuid.UUID(account_id),
            record_id,
        )
    )


async def set_photo(
    conn: DbConnection, record_id: str, kind: str, photo_id: str, status: str
) -> None:
    await conn.execute(
        """INSERT INTO photos (record_id, kind, photo_id, status) VALUES ($1, $2, $3, $4)
           ON CONFLICT (record_id, kind) DO UPDATE SET photo_id = EXCLUDED.photo_id,
               status = EXCLUDED.status, updated_at = now()""",
        uuid.UUID(record_id),
        kind,
        uuid.UUID(photo_id),
        status,
    )


async def graduation_photo(conn: DbConnection, record_id: uuid.UUID) -> tuple[str, str] | None:
    """(photo id, status) of the record's graduation photo, if one is linked."""
    row = await conn.fetchrow(
        "SELECT photo_id, status FROM photos WHERE record_id = $1 AND kind = 'graduation'",
        record_id,
    )
    return (str(row["photo_id"]), row["status"]) if row else None


async def open_erratum(conn: DbConnection, erratum_id: str, record_id: str) -> None:
    await conn.execute(
        "INSERT INTO open_errata (erratum_id, record_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        uuid.UUID(erratum_id),
        uuid.UUID(record_id),
    )


async def close_erratum(conn: DbConnection, erratum_id: str) -> None:
    await conn.execute("DELETE FROM open_errata WHERE erratum_id = $1", uuid.UUID(erratum_id))


async def open_errata(conn: DbConnection, record_id: uuid.UUID) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM open_errata WHERE record_id = $1", record_id
    )
    return count
