"""Event ids minted in bulk are as good as uuid4(): version 4, RFC variant, all distinct."""

from __future__ import annotations

import uuid

from jiaodui_runtime.outbox import _event_ids


def test_bulk_event_ids_are_distinct_version_4_uuids() -> None:
    ids = _event_ids(10_000)
    assert len(ids) == len(set(ids)) == 10_000
    parsed = [uuid.UUID(i) for i in ids]
    assert {u.version for u in parsed} == {4}
    assert {u.variant for u in parsed} == {uuid.RFC_4122}
    assert all(str(u) == i for u, i in zip(parsed, ids, strict=True))


def test_no_ids_for_no_events() -> None:
    assert _event_ids(0) == []
