"""How filed items are stored and published: an ID number only masked and hashed."""

from __future__ import annotations

from typing import Any

import pytest
from jiaodui_corrections.domain.errata import Item
from jiaodui_corrections.service_layer.errata import stored_items
from jiaodui_corrections.settings import CorrectionsSettings
from jiaodui_runtime.errors import Problem
from jiaodui_runtime.idcard import check_digit
from jiaodui_runtime.privacy import identity_hash

SETTINGS = CorrectionsSettings()
RECORD: dict[str, Any] = {
    "fields": {
        "name": "张三",
        "gender": "male",
        "id_type": "resident_id",
        "id_number_masked": "110101********0011",
    }
}
RIGHT = "11010120030517001X"


def test_record_items_keep_the_old_value_for_the_reviewer() -> None:
    (change,) = stored_items(SETTINGS, RECORD, [Item("name", "张叁")])  # type: ignore[arg-type]
    assert change == {"field": "name", "old_value": "张三", "correct_value": "张叁"}


def test_an_id_number_is_kept_masked_and_hashed_never_plain() -> None:
    right = RIGHT[:17] + check_digit(RIGHT[:17])
    (change,) = stored_items(SETTINGS, RECORD, [Item("id_number", right)])  # type: ignore[arg-type]
    assert right not in str(change)
    assert change["old_value"] == "110101********0011"
    assert change["correct_value_masked"] == right[:6] + "********" + right[-4:]
    assert change["correct_identity_hash"] == identity_hash(
        SETTINGS.identity_hash_key, "resident_id", right
    )


def test_an_invalid_id_number_is_refused() -> None:
    with pytest.raises(Problem) as caught:
        stored_items(SETTINGS, RECORD, [Item("id_number", "110101200305170010")])  # type: ignore[arg-type]
    assert caught.value.code == "id_number_invalid"
