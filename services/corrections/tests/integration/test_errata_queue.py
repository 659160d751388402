"""The college office's queue: who the erratum is about, filters, pages, counts, timeline."""

from __future__ import annotations

from typing import Any

import pytest
from jiaodui_runtime.testing.accounts import resident_id
from jiaodui_runtime.testing.events import publish

from .conftest import API, BORN, School

pytestmark = pytest.mark.integration


async def test_the_queue_names_the_student_and_filters_pages_and_counts(school: School) -> None:
    office = await school.staff("college_staff")
    records = [
        school.imported(resident_id(BORN, "male"), name=name, class_name=class_name)
        for name, class_name in [("王小明", "1班"), ("王大明", "2班"), ("李华", "1班")]
    ]
    await publish(school.stack.kafka_bootstrap, *records)
    filed = []
    for record in records:
        answer = await school.file(office, record.record_id)
        assert answer.status_code == 201, answer.text
        filed.append(answer.json()["erratum_id"])
    first, second, third = filed
    approved = await school.gateway.post(
        f"{API}/v1/errata/{second}/approve", headers=office.headers
    )
    assert approved.status_code == 200, approved.text
    rejected = await school.gateway.post(
        f"{API}/v1/errata/{third}/reject", json={"reason": "学籍无误"}, headers=office.headers
    )
    assert rejected.status_code == 200, rejected.text

    async def queue(query: str = "") -> dict[str, Any]:
        answer = await school.gateway.get(f"{API}/v1/errata?{query}", headers=office.headers)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    everything = await queue()
    assert [e["erratum_id"] for e in everything["items"]] == filed  # oldest first
    assert everything["total"] == 3
    assert everything["counts"] == {"filed": 1, "approved": 1, "rejected": 1, "applied": 0}
    shown = everything["items"][0]
    assert (shown["student_name"], shown["class_name"]) == ("王小明", "1班")
    assert shown["student_number"] == records[0].student_number
    assert shown["college"] == school.college and shown["origin"] == "form"
    assert shown["items"] == [
        {
            "field": "name",
            "old_value": "王小明",
            "correct_value": "张叁",
            "correct_value_masked": None,
        }
    ]
    assert [s["status"] for s in shown["timeline"]] == ["filed"]
    refused = everything["items"][2]
    assert refused["status"] == "rejected" and refused["reason"] == "学籍无误"
    assert [(s["status"], s["reason"]) for s in refused["timeline"]] == [
        ("filed", None),
        ("rejected", "学籍无误"),
    ]
    assert refused["timeline"][1]["at"] == refused["decided_at"]

    only_filed = await queue("status=filed")
    assert [e["erratum_id"] for e in only_filed["items"]] == [first]
    assert only_filed["total"] == 1 and only_filed["counts"] == everything["counts"]
    first_class = await queue("class_name=1班")
    assert [e["erratum_id"] for e in first_class["items"]] == [first, third]
    assert first_class["counts"] == {"filed": 1, "approved": 0, "rejected": 1, "applied": 0}
    assert [e["erratum_id"] for e in (await queue("q=王"))["items"]] == [first, second]
    by_number = await queue(f"q={records[1].student_number}")
    assert [e["erratum_id"] for e in by_number["items"]] == [second]
    assert (await queue("q=_"))["total"] == 0  # no wildcards
    page = await queue("limit=1&offset=1")
    assert [e["erratum_id"] for e in page["items"]] == [second] and page["total"] == 3
    assert (await queue(f"college={school.college}&institution_code={school.code}"))["total"] == 3

    detail = (await school.gateway.get(f"{API}/v1/errata/{second}", headers=office.headers)).json()
    assert [s["status"] for s in detail["timeline"]] == ["filed", "approved"]
    assert detail["awaiting"] == ["record"] and detail["student_name"] == "王大明"
    (filing, approval) = detail["history"]
    assert (filing["action"], filing["actor_role"]) == ("filed", "college_staff")
    assert filing["detail"]["fields"] == ["name"] and approval["action"] == "approved"
