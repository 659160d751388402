"""photos_slots: the samples the progress gauge gets from the progress counts."""

from __future__ import annotations

from jiaodui_photos.metrics import slot_rows, slot_values


def row(branch: str, kind: str, status: str, n: int) -> dict[str, object]:
    return {"institution_code": "10001", "branch": branch, "kind": kind, "status": status, "n": n}


def test_every_status_of_a_group_has_a_sample_zero_where_no_slot_has_it() -> None:
    values = slot_values(
        [
            row("信息学院", "graduation", "confirmed", 3),
            row("信息学院", "graduation", "missing", 1),
            row("经济学院", "admission", "pending", 2),
        ]
    )
    assert values == {
        ("10001", "信息学院", "graduation", "missing"): 1.0,
        ("10001", "信息学院", "graduation", "pending"): 0.0,
        ("10001", "信息学院", "graduation", "confirmed"): 3.0,
        ("10001", "信息学院", "graduation", "disputed"): 0.0,
        ("10001", "经济学院", "admission", "missing"): 0.0,
        ("10001", "经济学院", "admission", "pending"): 2.0,
        ("10001", "经济学院", "admission", "confirmed"): 0.0,
        ("10001", "经济学院", "admission", "disputed"): 0.0,
    }


def test_no_records_no_samples() -> None:
    assert slot_values([]) == {}


def test_stats_rows_are_summed_over_classes_per_college_kind_and_status() -> None:
    def stats(class_name: str, missing: int, pending: int) -> dict[str, object]:
        return {
            "institution_code": "10001", "college": "信息学院", "class_name": class_name,
            "kind": "graduation", "missing": missing, "pending": pending, "confirmed": 1,
            "disputed": 0,
        }  # fmt: skip

    rows = slot_rows([stats("1401", 2, 0), stats("1402", 1, 3)])
    assert slot_values(rows) == {
        ("10001", "信息学院", "graduation", "missing"): 3.0,
        ("10001", "信息学院", "graduation", "pending"): 3.0,
        ("10001", "信息学院", "graduation", "confirmed"): 2.0,
        ("10001", "信息学院", "graduation", "disputed"): 0.0,
    }
