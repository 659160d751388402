"""The API's literals are the domain's values."""

from __future__ import annotations

from typing import get_args

from jiaodui_corrections.domain import cases, errata
from jiaodui_corrections.entrypoints import schemas
from jiaodui_runtime.idcard import ID_TYPES


def test_literals_follow_the_domain() -> None:
    assert set(get_args(schemas.ErratumField)) == errata.FIELDS
    assert set(get_args(schemas.ErratumStatus)) == set(errata.ErratumStatus)
    assert set(get_args(schemas.AwaitedPart)) == set(errata.pending_parts(sorted(errata.FIELDS)))
    assert set(get_args(schemas.CaseKind)) == set(cases.CaseKind)
    assert set(get_args(schemas.CaseStatus)) == set(cases.CaseStatus)
    assert set(get_args(schemas.IdType)) == set(ID_TYPES)
    assert set(schemas.ErratumCounts.model_fields) == set(errata.ErratumStatus)
    assert set(schemas.CaseCounts.model_fields) == set(cases.CaseStatus)


def test_history_detail_keeps_the_stored_keys() -> None:
    detail = schemas.HistoryDetail.model_validate({"field": "graduation_photo", "from": "x"})
    assert detail.model_dump(by_alias=True) == {
        "fields": None, "field": "graduation_photo", "from": "x", "reason": None, "kind": None,
        "id_number_masked": None,
    }  # fmt: skip
