"""The staff lists' rules: whose institution is listed, and progress per college."""

from __future__ import annotations

import pytest
from jiaodui_photos.service_layer.views import progress_view
from jiaodui_photos.service_layer.workbench import institution_in_scope
from jiaodui_runtime.auth import Principal
from jiaodui_runtime.errors import Problem


def principal(role: str, institution_code: str | None = None) -> Principal:
    return Principal("a", role, "t", 0, institution_code=institution_code)


def test_scoped_staff_list_their_own_institution_only() -> None:
    registrar = principal("registrar", "10001")
    assert institution_in_scope(registrar, None) == "10001"
    assert institution_in_scope(registrar, "10001") == "10001"
    with pytest.raises(Problem) as refused:
        institution_in_scope(registrar, "10002")
    assert (refused.value.status, refused.value.code) == (403, "forbidden_scope")


def test_global_roles_list_what_they_ask_for() -> None:
    admin = principal("admin")
    assert institution_in_scope(admin, "10002") == "10002"
    assert institution_in_scope(admin, None) is None


def row(college: str, class_name: str, kind: str, **counts: int) -> dict[str, object]:
    zero = {"missing": 0, "pending": 0, "confirmed": 0, "disputed": 0}
    return {"institution_code": "10001", "college": college, "class_name": class_name,
            "kind": kind, **zero, **counts}  # fmt: skip


def test_colleges_sum_their_classes_and_count_each_record_once() -> None:
    rows = [
        row("信息学院", "1班", "admission", missing=3),
        row("信息学院", "1班", "graduation", pending=1, confirmed=2),
        row("信息学院", "", "admission", missing=1),
        row("信息学院", "", "graduation", disputed=1),
        row("经济学院", "1班", "admission", confirmed=4),
        row("经济学院", "1班", "graduation", confirmed=4),
    ]
    stats = progress_view(rows, unlinked=2)
    assert [g["class_name"] for g in stats["groups"]] == ["1班", None, "1班"]
    info, econ = stats["colleges"]
    assert (info["college"], info["records"]) == ("信息学院", 4)
    assert info["graduation"] == {"missing": 0, "pending": 1, "confirmed": 2, "disputed": 1}
    assert info["admission"]["missing"] == 4
    assert (econ["college"], econ["records"], econ["admission"]["confirmed"]) == ("经济学院", 4, 4)
    assert stats["totals"]["graduation"]["confirmed"] == 6
    assert stats["unlinked_photos"] == 2
