from datetime import date

import pytest
from jiaodui_runtime.idcard import IdProblem, check_digit, check_id_number, check_resident_id


def make_id(region: str = "110101", born: str = "19900307", seq: str = "123") -> str:
    first17 = region + born + seq
    return first17 + check_digit(first17)


def test_valid_id_with_agreeing_birth_date_and_gender() -> None:
    number = make_id(seq="123")  # 3 is odd: male
    assert check_resident_id(number, birth_date=date(1990, 3, 7), gender="male") is None


def test_known_check_digit_x() -> None:
    # 11010519491231002X is the standard's published example
    assert check_digit("11010519491231002") == "X"
    assert check_resident_id("11010519491231002x") is None


@pytest.mark.parametrize(
    "number",
    ["", "1101011990030712", "11010119900307123", "A10101199003071234", "110101199002301234"],
)
def test_malformed_numbers_are_invalid(number: str) -> None:
    assert check_resident_id(number) == IdProblem.INVALID


def test_wrong_check_digit_is_invalid() -> None:
    good = make_id()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    assert check_resident_id(bad) == IdProblem.INVALID


def test_mismatches_are_named() -> None:
    number = make_id(seq="124")  # 4 is even: female
    assert check_resident_id(number, birth_date=date(1990, 3, 8)) == IdProblem.BIRTH_DATE_MISMATCH
    assert check_resident_id(number, gender="male") == IdProblem.GENDER_MISMATCH


def test_full_width_input_is_accepted() -> None:
    number = make_id()
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    assert check_resident_id(full_width) is None


def test_other_id_types_get_a_shape_check() -> None:
    assert check_id_number("passport", "E12345678") is None
    assert check_id_number("passport", "E1") == IdProblem.INVALID
    assert check_id_number("hk_macao_permit", "H12345678!") == IdProblem.INVALID
