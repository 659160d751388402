"""Real-name registration rules (the notice's 实名注册 form)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from jiaodui_runtime.idcard import check_id_number, check_resident_id
from jiaodui_runtime.privacy import normalise_id_number

NICKNAME_MAX = 50
NAME_MAX = 50


@dataclass(frozen=True, slots=True)
class RealName:
    name: str
    gender: str
    id_type: str
    id_number: str
    birth_date: date
    province: str
    city: str
    nickname: str | None = None
    phone: str | None = None


def normalise_name(name: str) -> str:
    """NFKC (folds full-width), trimmed, inner runs of spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", name).split())


def check_realname(form: RealName) -> str | None:
    """The problem code of the first rule the form breaks, or None."""
    if not normalise_name(form.name) or len(form.name) > NAME_MAX:
        return "name_invalid"
    if form.nickname is not None and len(form.nickname) > NICKNAME_MAX:
        return "nickname_too_long"
    if form.birth_date > date.today() or form.birth_date.year < 1900:
        return "birth_date_invalid"
    if form.id_type == "resident_id":
        problem = check_resident_id(form.id_number, birth_date=form.birth_date, gender=form.gender)
    else:
        problem = check_id_number(form.id_type, form.id_number)
    if problem is not None:
        return problem.value
    return None


def normalised(form: RealName) -> RealName:
    return RealName(
        name=normalise_name(form.name),
        gender=form.gender,
        id_type=form.id_type,
        id_number=normalise_id_number(form.id_number),
        birth_date=form.birth_date,
        province=form.province.strip(),
        city=form.city.strip(),
        nickname=form.nickname.strip() if form.nickname else None,
        phone=form.phone,
    )


def normalise_mobile(phone: str) -> str | None:
    """Mainland mobile numbers: 11 digits starting 1[3-9], an optional +86 removed."""
    # every script's decimal digits count, written back as ASCII (the SMS gateway's form)
    text = unicodedata.normalize("NFKC", phone)
    digits = "".join(str(unicodedata.decimal(ch)) for ch in text if ch.isdecimal())
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789":
        return digits
    return None
