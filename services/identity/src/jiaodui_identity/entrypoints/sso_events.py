"""identity's replica of the roster for campus sign-on, from records' public events."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from jiaodui_contracts import Contract
from jiaodui_contracts.records import (
    RecordCorrected,
    RecordFields,
    RecordImported,
    RecordsImported,
)
from jiaodui_contracts.views import view_of
from jiaodui_runtime.consumer import AnyHandler, Batched, Delivered
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.service import ServiceRuntime

from jiaodui_identity import sso_store

IMPORTED_ROSTER = view_of(
    RecordsImported,
    {"records": ["record_id", "institution_code", "student_number", "identity_hash"]},
)
"""What the roster keeps of an import's records (up to 100 per event): validating all their
fields was ~40 % of this consumer's CPU in an import."""


def _records(data: Contract) -> Iterable[RecordFields]:
    if isinstance(data, RecordFields):
        yield data
    else:
        yield from getattr(data, "records", ())


def handlers(rt: ServiceRuntime) -> Mapping[str, AnyHandler]:
    async def on_records(conn: DbConnection, run: Sequence[Delivered]) -> None:
        rows = [
            (r.record_id, r.institution_code, r.student_number, r.identity_hash)
            for _, data in run
            for r in _records(data)
        ]
        if rows:
            await sso_store.upsert_roster(conn, rows)

    # one instance: a run of mixed record events is one call
    roster = Batched(on_records, reads={RecordsImported.TYPE: IMPORTED_ROSTER})
    return {t.TYPE: roster for t in (RecordImported, RecordCorrected, RecordsImported)}
