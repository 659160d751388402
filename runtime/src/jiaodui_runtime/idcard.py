"""Mainland resident ID numbers (GB 11643-1999, check digit ISO 7064 MOD 11-2).

Pure rules shared by identity (real-name registration), records (registry
imports) and photos (batch manifests).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from jiaodui_runtime.privacy import normalise_id_number

ID_TYPES = ("resident_id", "passport", "hk_macao_permit", "taiwan_permit")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# First digit of the administrative division code: 1-6 are the mainland regions,
# 8 is used for HK/Macao/Taiwan residence permits (830000, 810000, 820000).
_REGION_FIRST_DIGITS = frozenset("1234568")


class IdProblem(StrEnum):
    """Why an ID number is refused; values double as problem codes."""

    INVALID = "id_number_invalid"
    BIRTH_DATE_MISMATCH = "birth_date_mismatch"
    GENDER_MISMATCH = "gender_mismatch"


@dataclass(frozen=True, slots=True)
class ResidentId:
    number: str
    birth_date: date
    gender: str  # "male" | "female"


def check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def parse_resident_id(raw: str) -> ResidentId | None:
    """Return the parsed ID, or None when the number is not a valid 18-character ID."""
    number = normalise_id_number(raw)
    if len(number) != 18 or not number[:17].isdigit() or number[0] not in _REGION_FIRST_DIGITS:
        return None
    if number[17] != check_digit(number[:17]):
        return None
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    if born.year < 1900:
        return None
    gender = "male" if int(number[16]) % 2 == 1 else "female"
    return ResidentId(number=number, birth_date=born, gender=gender)


def check_resident_id(
    raw: str, *, birth_date: date | None = None, gender: str | None = None
) -> IdProblem | None:
    """Validate a resident ID and, when given, its agreement with birth date and gender."""
    parsed = parse_resident_id(raw)
    if parsed is None:
        return IdProblem.INVALID
    if birth_date is not None and parsed.birth_date != birth_date:
        return IdProblem.BIRTH_DATE_MISMATCH
    if gender is not None and parsed.gender != gender:
        return IdProblem.GENDER_MISMATCH
    return None


def check_id_number(id_type: str, raw: str) -> IdProblem | None:
    """Shape check for any ID type (resident IDs fully; others by plausible form)."""
    if id_type == "resident_id":
        return check_resident_id(raw)
    number = normalise_id_number(raw)
    if not 5 <= len(number) <= 20 or not number.isalnum() or not number.isascii():
        return IdProblem.INVALID
    return None
