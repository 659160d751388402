"""Property-based checks of the name key that matching compares."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st
from jiaodui_records.domain.names import name_key
from jiaodui_runtime.testing.strategies import hostile_text, padded

FULL_WIDTH = {ord(c): ord(c) + 0xFEE0 for c in string.ascii_letters}
MIDDLE_DOTS = "\u00b7\u2022\u2027\u30fb\u0387\u16eb\u2219\u22c5\uff65"
han = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=4)
latin = st.text(string.ascii_letters, min_size=1, max_size=8)


@given(padded(hostile_text(max_size=40)))
def test_the_key_is_idempotent_and_trimmed(name: str) -> None:
    key = name_key(name)
    assert name_key(key) == key
    assert key == key.strip() and "  " not in key


@given(st.lists(han, min_size=1, max_size=3), st.sampled_from(["", " ", "\u3000", "  "]))
def test_spaces_between_chinese_characters_are_not_a_difference(
    parts: list[str], space: str
) -> None:
    assert name_key(space.join(parts)) == name_key("".join(parts))


@given(latin, latin, st.sampled_from(MIDDLE_DOTS))
def test_case_width_and_the_kind_of_middle_dot_are_not_a_difference(
    given_name: str, family: str, dot: str
) -> None:
    plain = name_key(f"{given_name}·{family}")
    assert name_key(f"{given_name.swapcase()}{dot}{family.translate(FULL_WIDTH)}") == plain
    assert name_key(f" {given_name}  {family} ") == name_key(f"{given_name} {family}")


@given(han, han)
def test_different_chinese_names_keep_different_keys(first: str, second: str) -> None:
    assert (name_key(first) == name_key(second)) == (first == second)
