"""identity's replica of the roster for campus sign-on, from records' public events."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence

from jiaodui_contracts import Contract, Event
from jiaodui_contracts import records as record_events
from jiaodui_contracts.records import RecordCorrected, RecordFields, RecordImported
from jiaodui_runtime.consumer import AnyHandler, Batched, Delivered
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.service import ServiceRuntime

from jiaodui_identity import sso_store

# records' set-based imports publish up to 100 records per event (RecordsImported); the
# per-record RecordImported stays for events already on the topic
RecordsImported: type[Event] | None = getattr(record_events, "RecordsImported", None)


def _records(data: Contract) -> Iterable[RecordFields]:
    if isinstance(data, RecordFields):
        yield data
    else:
        yield from getattr(data, "records", ())


def handlers(rt: ServiceRuntime) -> Mapping[str, AnyHandler]:
    async def on_records(conn: DbConnection, run: Sequence[Delivered]) -> None:
        rows = [
            (uuid.UUID(str(r.record_id)), r.institution_code, r.student_number, r.identity_hash)
            for _, data in run
            for r in _records(data)
        ]
        if rows:
            await sso_store.upsert_roster(conn, rows)

    roster = Batched(on_records)  # one instance: a run of mixed record events is one call
    types: list[type[Event]] = [
        RecordImported,
        RecordCorrected,
        *([RecordsImported] if RecordsImported else []),
    ]
    return {contract.TYPE: roster for contract in types}
