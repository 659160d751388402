"""An import batch, set-based: the lines COPYed into a staging table, checked in SQL, the
records upserted and their RecordsImported events written in SQL, all in the batch's
transaction. Python sees only the rows SQL cannot decide (see ``undecided`` below).

The checks are those of :func:`jiaodui_records.domain.rows.validate_row`, in SQL, for the
rows whose answer cannot depend on Python's own parsers; a property test compares both.
Each error gets the position of its check in ``validate_row`` (``ord``), so that the
errors kept (the first ``import_error_limit``) are the same ones, in the same order.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
import orjson
from jiaodui_contracts.envelope import SCHEMA_BASE
from jiaodui_contracts.records import RECORDS_PER_EVENT, RecordsImported
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.idcard import ID_TYPES
from jiaodui_runtime.outbox import NOTIFY_CHANNEL, outbox_headers
from jiaodui_runtime.wakes import wake_at_commit

from jiaodui_records.domain.rows import (
    COLUMNS,
    ENUMERATED,
    MAX_TEXT,
    REQUIRED,
    STORED,
    RecordRow,
    RowError,
)
from jiaodui_records.domain.vocabulary import ENUMERATIONS

SOURCE = "/jiaodui/records"
EVENT_BYTES = 32 * 1024  # a RecordsImported closes after this many bytes of records (the
# relay claims 500 outbox rows at a time: ~16 MB of them in flight, not ~50)
_COLUMNS = ", ".join(STORED)
_KEY = ("institution_code", "student_number")
_UPDATED = [c for c in STORED if c not in _KEY]

# Python's whitespace (str.strip, str.split, re's \s) beyond space and tab; a line with any
# of these is decided by Python (newlines never reach SQL inside a line)
_ODD_SPACE = (
    r"[\u000b\u000c\u001c-\u001f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
)
_NON_ASCII = r"[^\u0001-\u007f]"
_PLAIN_CJK = r"^[\u3400-\u4dbf\u4e00-\u9fff]+$"  # NFKC leaves these as they are
_DECIMAL = r"^([0-9]{1,10}(\.[0-9]{0,10})?|\.[0-9]{1,10})$"

# the checks in validate_row's order: (field, code) by position
CHECKS: tuple[tuple[str, str], ...] = (
    *((c, "") for c in COLUMNS),  # required / too_long
    *((f, "invalid_value") for f in ENUMERATED),
    ("birth_date", "invalid_date"),
    ("enrollment_date", "invalid_date"),
    ("duration_years", "invalid_number"),
    ("id_type", "invalid_value"),
    ("id_number", "id_number_invalid"),
    ("birth_date", "birth_date_mismatch"),
    ("gender", "gender_mismatch"),
    ("", "malformed_row"),
)
_MALFORMED = len(CHECKS) - 1

_TABLES = f"""
CREATE TEMP TABLE IF NOT EXISTS import_lines (
    n integer GENERATED ALWAYS AS IDENTITY, line text);
CREATE TEMP TABLE IF NOT EXISTS import_valid AS
    SELECT 0::bigint AS line, {_COLUMNS} FROM records WITH NO DATA;
CREATE TEMP TABLE IF NOT EXISTS import_row_errors (
    line bigint NOT NULL, ord integer NOT NULL, field text NOT NULL, code text NOT NULL);
CREATE TEMP TABLE IF NOT EXISTS import_changed (
    record_id uuid, identity_hash text, created boolean);
"""  # noqa: S608 - column names are ours


async def prepare(conn: DbConnection) -> None:
    """The staging tables of this connection (temporary: no WAL, gone with the session)."""
    await conn.execute(_TABLES)


async def reset(conn: DbConnection) -> None:
    """Empty what a batch leaves behind (the lines are emptied by :func:`copy_lines`)."""
    await conn.execute("TRUNCATE import_valid, import_row_errors, import_changed")


async def copy_lines(conn: DbConnection, data: bytes | AsyncIterable[bytes]) -> bool:
    """COPY a chunk's lines, one row per line (no quote in it: lines are taken as they are),
    from its bytes or the pieces of them as read from the file; False when the database
    refuses it as text (invalid UTF-8, NUL, a lone carriage return...) or a line is so long
    that Python's CSV reader would refuse it."""
    await conn.execute("TRUNCATE import_lines RESTART IDENTITY")
    try:
        async with conn.transaction():
            await conn.copy_to_table(
                "import_lines",
                source=_pieces(data) if isinstance(data, bytes) else data,
                columns=["line"],
                format="csv",
                delimiter="\x01",
            )
    except asyncpg.DataError:  # class 22 (bad encoding, NUL, lone CR...): Python reads it
        return False
    # csv.field_size_limit: a longer field ends Python's reading of the file
    too_long = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM import_lines WHERE octet_length(line) > 65536)"
    )
    return not too_long


async def _pieces(data: bytes, size: int = 1 << 20) -> AsyncIterator[bytes]:
    """A chunk as the pieces asyncpg's COPY sends (no copy of the whole chunk)."""
    view = memoryview(data)
    for at in range(0, len(data), size):
        yield bytes(view[at : at + size])


def _field(columns: dict[str, int], name: str) -> str:
    position = columns.get(name, 0)
    return f"nullif(btrim(f[{position}], E' \\t'), '')" if position else "NULL::text"


def check_statement(header: list[str]) -> str:
    """The statement that checks a chunk's lines (for a file with this header)."""
    columns = {name: i for i, name in enumerate(header, start=1)}  # the last one wins
    texts = ",\n        ".join(f"{_field(columns, c)} AS t_{c}" for c in COLUMNS)
    kept = ",\n        ".join(
        f"CASE WHEN length(t_{c}) <= {MAX_TEXT} THEN t_{c} END AS s_{c}" for c in COLUMNS
    )
    codes = ",\n        ".join(f"{_VOCABULARY[f]} ->> s_{f} AS exact_{f}" for f in ENUMERATED)
    text_checks = [
        f"CASE WHEN t_{c} IS NULL THEN {_sql('required' if c in REQUIRED else None)}"
        f" WHEN length(t_{c}) > {MAX_TEXT} THEN 'too_long' END"
        for c in COLUMNS
    ]
    checks = [
        *text_checks,
        *(
            f"CASE WHEN s_{f} IS NOT NULL AND v_{f} IS NULL THEN 'invalid_value' END"
            for f in ENUMERATED
        ),
        "CASE WHEN s_birth_date IS NOT NULL AND v_birth IS NULL THEN 'invalid_date' END",
        "CASE WHEN s_enrollment_date IS NOT NULL AND v_enrolled IS NULL THEN 'invalid_date' END",
        "CASE WHEN s_duration_years IS NOT NULL AND v_duration IS NULL THEN 'invalid_number' END",
        "CASE WHEN s_id_type IS NOT NULL AND NOT id_type_ok THEN 'invalid_value' END",
        "CASE WHEN id_checked AND NOT id_ok THEN 'id_number_invalid' END",
        "CASE WHEN id_checked AND id_ok AND s_id_type = 'resident_id' AND v_birth IS NOT NULL"
        " AND v_birth <> id_birth THEN 'birth_date_mismatch' END",
        "CASE WHEN id_checked AND id_ok AND s_id_type = 'resident_id' AND v_gender IS NOT NULL"
        " AND v_gender <> id_gender THEN 'gender_mismatch' END",
    ]
    checks_sql = ",\n            ".join(checks)
    id_types = ", ".join(_sql(t) for t in ID_TYPES)
    enum_values = ",\n        ".join(
        f"COALESCE(exact_{f}, CASE WHEN s_{f} !~ '{_NON_ASCII}'"
        f" THEN {_VOCABULARY[f]} ->> lower(s_{f}) END) AS v_{f}"
        for f in ENUMERATED
    )
    enum_undecided = " OR ".join(
        f"(s_{f} IS NOT NULL AND exact_{f} IS NULL AND s_{f} ~ '{_NON_ASCII}')" for f in ENUMERATED
    )
    # OFFSET 0 keeps each step a subquery of its own: its columns are computed once a row,
    # where an inlined step would be computed again at every reference to them
    return f"""
WITH split AS (
    SELECT n, $1::bigint + n AS line_no, line, string_to_array(line, ',') AS f,
           line ~ '{_ODD_SPACE}' AS odd
    FROM import_lines OFFSET 0
), texts AS (
    SELECT line_no, line, odd, cardinality(f) AS width,
        {texts}
    FROM split OFFSET 0
), kept AS (
    SELECT *,
        {kept}
    FROM texts OFFSET 0
), looked AS (
    SELECT *,
        {codes}
    FROM kept OFFSET 0
), valued AS (
    SELECT *,
        {enum_values},
        records_day(s_birth_date) AS v_birth,
        records_day(s_enrollment_date) AS v_enrolled,
        CASE WHEN s_duration_years ~ '{_DECIMAL}' THEN
            CASE WHEN s_duration_years::float8 > 0 AND s_duration_years::float8 <= 12
                 THEN s_duration_years::float8 END END AS v_duration,
        s_id_type IN ({id_types}) AS id_type_ok,
        upper(translate(s_id_number, E' \\t', '')) AS v_number
    FROM looked OFFSET 0
), ided AS (
    SELECT *,
        (id_type_ok AND s_id_number IS NOT NULL) AS id_checked,
        CASE WHEN s_id_type = 'resident_id' THEN records_resident_birth(v_number) END
            AS id_birth,
        CASE WHEN substr(v_number, 17, 1) IN ('1', '3', '5', '7', '9') THEN 'male'
             ELSE 'female' END AS id_gender
    FROM valued OFFSET 0
), checked AS (
    SELECT *,
        CASE WHEN s_id_type = 'resident_id' THEN id_birth IS NOT NULL
             ELSE length(v_number) BETWEEN 5 AND 20 AND v_number ~ '^[0-9A-Za-z]+$' END
            AS id_ok,
        CASE WHEN s_name ~ '{_PLAIN_CJK}' THEN s_name
             WHEN s_name !~ '{_NON_ASCII}' THEN upper(regexp_replace(s_name, '[ \\t]+', ' ', 'g'))
        END AS v_name_key
    FROM ided OFFSET 0
), classed AS (
    SELECT *,
        CASE
            WHEN odd THEN 'python'
            WHEN line IS NULL OR (width = 1 AND btrim(line, E' \\t') = '') THEN 'skip'
            WHEN width <> $2 THEN 'malformed'
            WHEN {enum_undecided}
                OR (v_birth IS NULL AND records_day_undecided(s_birth_date))
                OR (v_enrolled IS NULL AND records_day_undecided(s_enrollment_date))
                OR (v_duration IS NULL AND s_duration_years IS NOT NULL
                    AND s_duration_years !~ '{_DECIMAL}'
                    AND s_duration_years ~ '[0-9]|{_NON_ASCII}')
                OR (id_type_ok AND NOT id_ok AND s_id_number ~ '{_NON_ASCII}')
                OR (s_name IS NOT NULL AND v_name_key IS NULL)
                THEN 'python'
            ELSE 'row'
        END AS kind
    FROM checked OFFSET 0
), judged AS (
    SELECT {_KEPT}, kind,
        CASE WHEN kind = 'malformed' THEN array_fill(NULL::text, ARRAY[{_MALFORMED}])
                                          || 'malformed_row'::text
             WHEN kind = 'row' THEN ARRAY[
            {checks_sql}] END AS codes
    FROM classed OFFSET 0
), outcome AS MATERIALIZED (
    -- judged keeps only what the statements below read: materialised, every column of
    -- the steps above (~2 KB a line) was written out and read back: 62 -> 46 us a line
    SELECT *, kind = 'row' AND cardinality(array_remove(codes, NULL)) = 0 AS ok
    FROM judged
), errors AS (
    INSERT INTO import_row_errors (line, ord, field, code)
    SELECT o.line_no, e.ord - 1, ($4::text[])[e.ord], e.code
    FROM outcome o, unnest(o.codes) WITH ORDINALITY AS e(code, ord)
    WHERE o.kind IN ('row', 'malformed') AND NOT o.ok AND e.code IS NOT NULL
    UNION ALL
    SELECT line_no, 0, 'institution_code', 'out_of_scope' FROM outcome
    WHERE ok AND $3::text IS NOT NULL AND s_institution_code <> $3
), valid AS (
    INSERT INTO import_valid (line, {_COLUMNS})
    SELECT line_no, s_institution_code, s_institution_name, s_student_number, s_exam_number,
        s_name, v_name_key, v_gender, s_ethnicity, v_birth, s_id_type,
        encode(hmac(convert_to(s_id_type || ':' || v_number, 'UTF8'), $5::bytea, 'sha256'),
               'hex'),
        records_mask_id(v_number), s_branch, s_department, s_major, s_class_name, v_level,
        v_duration, v_education_type, v_study_form, v_enrolled, v_status, s_cohort
    FROM outcome WHERE ok AND ($3::text IS NULL OR s_institution_code = $3)
)
SELECT count(*) FILTER (WHERE kind IN ('row', 'malformed')) AS total,
       count(*) FILTER (WHERE ok AND ($3::text IS NULL OR s_institution_code = $3))
           AS accepted,
       array_agg(line_no ORDER BY line_no) FILTER (WHERE kind = 'python') AS undecided_lines,
       array_agg(line ORDER BY line_no) FILTER (WHERE kind = 'python') AS undecided
FROM outcome
"""  # noqa: S608 - names and literals are ours


def _sql(value: str | None) -> str:
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


# each enumeration a constant of the statement (one jsonb the planner parses once): a
# member of one jsonb object holding them all is copied out again for every line
_VOCABULARY = {
    f: _sql(orjson.dumps(dict(ENUMERATIONS[f])).decode()) + "::jsonb" for f in ENUMERATED
}
# the columns of a line the inserts and the answer need after the checks
_KEPT = ", ".join(
    (
        "line_no", "CASE WHEN kind = 'python' THEN line END AS line", "s_institution_code",
        "s_institution_name", "s_student_number", "s_exam_number", "s_name", "v_name_key",
        "v_gender", "s_ethnicity", "v_birth", "s_id_type", "v_number", "s_branch",
        "s_department", "s_major", "s_class_name", "v_level", "v_duration", "v_education_type",
        "v_study_form", "v_enrolled", "v_status", "s_cohort",
    )
)  # fmt: skip


CHECK_FIELDS = [field for field, _ in CHECKS]


@dataclass(frozen=True, slots=True)
class Checked:
    total: int
    accepted: int
    undecided: list[tuple[int, str | None]]  # (line number, the line) for Python


async def check_lines(
    conn: DbConnection,
    statement: str,
    *,
    base_line: int,
    width: int,
    scope: str | None,
    secret: bytes,
) -> Checked:
    """Check the lines COPYed: valid rows into import_valid, errors into import_row_errors;
    the lines SQL leaves to Python come back."""
    row = await conn.fetchrow(statement, base_line, width, scope, CHECK_FIELDS, secret)
    assert row is not None
    lines = row["undecided_lines"] or []
    return Checked(
        int(row["total"]),
        int(row["accepted"]),
        list(zip(lines, row["undecided"] or [], strict=True)),
    )


async def add_rows(
    conn: DbConnection, rows: Iterable[RecordRow], errors: Sequence[RowError], ords: Sequence[int]
) -> None:
    """Rows Python decided: the valid ones and the errors (``ords``: each error's position
    among its row's errors)."""
    valid = [(row.line, *row.values) for row in rows]
    if valid:
        await conn.copy_records_to_table("import_valid", columns=["line", *STORED], records=valid)
    if errors:
        await conn.copy_records_to_table(
            "import_row_errors",
            columns=["line", "ord", "field", "code"],
            records=[(e.line, o, e.field, e.code) for e, o in zip(errors, ords, strict=True)],
        )


_PUBLISH = f"""
WITH incoming AS (
    SELECT DISTINCT ON (institution_code, student_number) {_COLUMNS} FROM import_valid
    ORDER BY institution_code, student_number, line DESC
), up AS (
    INSERT INTO records AS r ({_COLUMNS}, import_id)
    SELECT {_COLUMNS}, $1::uuid FROM incoming
    ON CONFLICT (institution_code, student_number) DO UPDATE SET
        {", ".join(f"{c} = EXCLUDED.{c}" for c in _UPDATED)},
        import_id = EXCLUDED.import_id, updated_at = now()
    WHERE ({", ".join(f"r.{c}" for c in _UPDATED)})
        IS DISTINCT FROM ({", ".join(f"EXCLUDED.{c}" for c in _UPDATED)})
    RETURNING r.record_id, r.identity_hash, r.institution_code, (r.xmax = 0) AS created,
        json_build_object('record_id', r.record_id,
            {", ".join(f"'{c}', r.{c}" for c in STORED if c != "name_key")},
            'change', CASE WHEN r.xmax = 0 THEN 'created' ELSE 'changed' END) AS doc
), noted AS (
    INSERT INTO import_changed (record_id, identity_hash, created)
    SELECT record_id, identity_hash, created FROM up
), sized AS (
    SELECT doc, record_id, left(record_id::text, 2) AS bucket, institution_code,
           row_number() OVER w AS rn, sum(octet_length(doc::text)) OVER w AS bytes
    FROM up
    WINDOW w AS (PARTITION BY left(record_id::text, 2), institution_code ORDER BY record_id)
), grouped AS (
    SELECT bucket, institution_code, json_agg(doc ORDER BY record_id) AS records
    FROM sized
    GROUP BY bucket, institution_code, (rn - 1) / {RECORDS_PER_EVENT}, (bytes - 1) / {EVENT_BYTES}
), events AS MATERIALIZED (
    SELECT jiaodui_event_id() AS event_id, bucket, institution_code, records FROM grouped
), published AS (
    INSERT INTO outbox (event_id, topic, key, event_type, payload, headers)
    SELECT event_id, $2, bucket, $3, convert_to(json_build_object(
        'specversion', '1.0', 'id', event_id, 'source', $4::text, 'type', $3::text,
        'time', $5::text, 'subject', bucket, 'dataschema', $6::text,
        'data', json_build_object('import_id', $1::uuid, 'bucket', bucket,
                                  'institution_code', institution_code,
                                  'imported_at', $5::text, 'records', records))::text, 'UTF8'),
        $7::text::jsonb
    FROM events
)
SELECT count(*) FILTER (WHERE created) AS created, count(*) AS changed FROM up
"""  # noqa: S608 - column names are ours


async def publish(conn: DbConnection, import_id: uuid.UUID) -> tuple[int, int]:
    """Upsert the batch's valid rows (a later line of one student wins) and write a
    RecordsImported per bucket and institution (≤ 100 records, ≤ ~32 KB) for the records created or
    changed; returns (created, changed)."""
    if not conn.is_in_transaction():
        raise RuntimeError("publish needs the batch's transaction")
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    row = await conn.fetchrow(
        _PUBLISH,
        import_id,
        RecordsImported.TOPIC,
        RecordsImported.TYPE,
        SOURCE,
        now,
        f"{SCHEMA_BASE}{RecordsImported.TYPE}.json",
        orjson.dumps(outbox_headers()).decode(),
    )
    assert row is not None
    created, touched = int(row["created"]), int(row["changed"])
    if touched:
        await wake_at_commit(conn, NOTIFY_CHANNEL)
    return created, touched - created


async def keep_errors(conn: DbConnection, import_id: uuid.UUID, *, room: int) -> int:
    """Keep the batch's first ``room`` errors (line, then check order); returns how many
    errors the batch had."""
    row = await conn.fetchrow(
        "WITH kept AS (INSERT INTO import_errors (import_id, line, field, code)"
        " SELECT $1, line, field, code FROM import_row_errors ORDER BY line, ord LIMIT $2)"
        " SELECT count(*) AS n FROM import_row_errors",
        import_id,
        room,
    )
    assert row is not None
    return int(row["n"])


async def accounts_touching(conn: DbConnection) -> list[uuid.UUID]:
    """Accounts whose matching the batch may change: same identity hash as a record created
    or changed, or matched to a changed one (a record the batch created has no match yet:
    its 50,000 probes of ``matches`` per batch were ~0.5 s for nothing)."""
    rows = await conn.fetch(
        "SELECT account_id FROM accounts WHERE identity_hash IN"
        " (SELECT identity_hash FROM import_changed)"
        " UNION SELECT account_id FROM matches WHERE record_id IN"
        " (SELECT record_id FROM import_changed WHERE NOT created) ORDER BY 1"
    )
    return [r["account_id"] for r in rows]
