"""Property-based checks of the resident-ID validator against an independent computation."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from jiaodui_runtime.idcard import check_resident_id, parse_resident_id


def reference_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 computed from its definition: weights 2^(i) mod 11, right to left."""
    total = 0
    for position, digit in enumerate(reversed(first17), start=2):
        total += int(digit) * (2 ** (position - 1) % 11)
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


regions = st.sampled_from(["110101", "310104", "440305", "510107", "650102", "810000"])
births = st.dates(min_value=date(1930, 1, 1), max_value=date(2015, 12, 31))
sequences = st.integers(min_value=0, max_value=999)


@given(regions, births, sequences)
def test_every_well_formed_number_is_accepted_with_its_birth_date_and_gender(
    region: str, born: date, seq: int
) -> None:
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    number = first17 + reference_check_char(first17)
    parsed = parse_resident_id(number)
    assert parsed is not None
    assert parsed.birth_date == born
    assert parsed.gender == ("male" if seq % 2 else "female")
    assert check_resident_id(number.lower(), birth_date=born, gender=parsed.gender) is None


@given(regions, births, sequences, st.sampled_from("0123456789X"))
def test_every_other_check_character_is_refused(
    region: str, born: date, seq: int, check: str
) -> None:
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    if check == reference_check_char(first17):
        return
    assert parse_resident_id(first17 + check) is None


@given(st.text(max_size=25))
def test_arbitrary_text_never_crashes(text: str) -> None:
    parse_resident_id(text)
    check_resident_id(text)
