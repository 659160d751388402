from datetime import date

import pytest
from jiaodui_identity.domain.realname import (
    RealName,
    check_realname,
    normalise_mobile,
    normalise_name,
    normalised,
)
from jiaodui_runtime.testing.accounts import resident_id

BORN = date(2001, 2, 3)


def form(**changes: object) -> RealName:
    values: dict[str, object] = {
        "name": "张三",
        "gender": "female",
        "id_type": "resident_id",
        "id_number": resident_id(BORN, "female"),
        "birth_date": BORN,
        "province": "广东省",
        "city": "深圳市",
    }
    values.update(changes)
    return RealName(**values)  # type: ignore[arg-type]


def test_a_complete_form_passes() -> None:
    assert check_realname(form()) is None
    assert check_realname(form(id_type="passport", id_number="E12345678", gender="male")) is None


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"name": "   "}, "name_invalid"),
        ({"nickname": "n" * 51}, "nickname_too_long"),
        ({"birth_date": date(2999, 1, 1)}, "birth_date_invalid"),
        ({"gender": "male"}, "gender_mismatch"),
        ({"birth_date": date(2001, 2, 4)}, "birth_date_mismatch"),
        ({"id_number": "123"}, "id_number_invalid"),
        ({"id_type": "passport", "id_number": "E1"}, "id_number_invalid"),
    ],
)
def test_each_rule_has_its_code(changes: dict[str, object], code: str) -> None:
    assert check_realname(form(**changes)) == code


def test_normalisation_folds_full_width_and_spaces() -> None:
    assert normalise_name(" 张\u3000三 ") == "张 三"
    assert normalise_name("ＺＨＡＮＧ") == "ZHANG"
    n = normalised(form(id_number=resident_id(BORN, "female").lower()))
    assert n.id_number == n.id_number.upper()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("12345678901", None),
        ("1381234567", None),
    ],
)
def test_mobile_numbers(raw: str, expected: str | None) -> None:
    assert normalise_mobile(raw) == expected
