"""identity's replica of the roster for campus sign-on, from records' public events."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from jiaodui_contracts.records import RecordCorrected, RecordImported
from jiaodui_runtime.consumer import AnyHandler, Batched, Delivered
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.service import ServiceRuntime

from jiaodui_identity import sso_store


def handlers(rt: ServiceRuntime) -> Mapping[str, AnyHandler]:
    async def on_records(conn: DbConnection, run: Sequence[Delivered]) -> None:
        rows = []
        for _, data in run:
            assert isinstance(data, RecordImported | RecordCorrected)
            rows.append(
                (
                    uuid.UUID(str(data.record_id)),
                    data.institution_code,
                    data.student_number,
                    data.identity_hash,
                )
            )
        await sso_store.upsert_roster(conn, rows)

    roster = Batched(on_records)  # one instance: imported and corrected share a run
    return {RecordImported.TYPE: roster, RecordCorrected.TYPE: roster}
