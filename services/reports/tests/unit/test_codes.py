"""Verification codes: alphabet, length, grouping, normalising what people type."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jiaodui_reports.domain.codes import ALPHABET, LENGTH, grouped, new_code, normalise


def test_the_alphabet_has_no_look_alikes() -> None:
    assert not set(ALPHABET) & set("0O1IL")
    assert len(set(ALPHABET)) == len(ALPHABET) == 31


def test_a_code_is_sixteen_symbols_and_unguessable() -> None:
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == LENGTH and set(c) <= set(ALPHABET) for c in codes)
    assert LENGTH * math.log2(len(ALPHABET)) > 79


def test_every_symbol_is_drawn() -> None:
    seen = "".join(new_code() for _ in range(200))
    assert set(seen) == set(ALPHABET)


def test_grouped_for_reading() -> None:
    assert grouped("ABCDEFGHJKMNPQRS") == "ABCD-EFGH-JKMN-PQRS"


@pytest.mark.parametrize(
    "typed",
    [
        "ABCD-EFGH-JKMN-PQRS",
        "abcd efgh jkmn pqrs",
        "ＡＢＣＤ－ＥＦＧＨ－ＪＫＭＮ－ＰＱＲＳ",
        " ABCDEFGHJKMNPQRS\n",
    ],
)
def test_normalise_accepts_what_people_type(typed: str) -> None:
    assert normalise(typed) == "ABCDEFGHJKMNPQRS"


@pytest.mark.parametrize(
    "typed",
    ["", "ABCD-EFGH-JKMN-PQR", "ABCD-EFGH-JKMN-PQRST", "ABCD-EFGH-JKMN-PQR0", "../etc/passwd"],
)
def test_normalise_refuses_what_cannot_be_a_code(typed: str) -> None:
    assert normalise(typed) is None


@given(st.text(max_size=80))
def test_normalise_never_fails(text: str) -> None:
    result = normalise(text)
    assert result is None or (len(result) == LENGTH and set(result) <= set(ALPHABET))


def test_a_grouped_code_normalises_back() -> None:
    code = new_code()
    assert normalise(grouped(code)) == code
