"""Identity cases: ID corrections ("wrong ID number") and disputes ("ID registered by
someone else"), decided by support."""

from __future__ import annotations

import re
from enum import StrEnum

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[A-Za-z]{2,}$")
MAX_REASON = 500


class CaseKind(StrEnum):
    CORRECTION = "correction"
    DISPUTE = "dispute"


class CaseStatus(StrEnum):
    OPEN = "open"
    APPROVED = "approved"
    REJECTED = "rejected"


class CaseError(ValueError):
    def __init__(self, code: str, detail: str, status: int = 422) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.status = status


def normalise_phone(raw: str) -> str:
    """A mainland mobile number, digits only (``+86``/``86`` prefixes and separators dropped)."""
    digits = "".join(ch for ch in raw if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if not _MOBILE.match(digits):
        raise CaseError("phone_invalid", "The contact phone is not a mobile number.")
    return digits


def normalise_email(raw: str | None) -> str | None:
    value = (raw or "").strip()
    if not value:
        return None
    if len(value) > 254 or not _EMAIL.match(value):
        raise CaseError("email_invalid", "The reply address is not an e-mail address.")
    return value.lower()


def decide(current: str, decision: CaseStatus) -> bool:
    """Whether a decision changes the state (False: the same decision again)."""
    if current == decision:
        return False
    if current != CaseStatus.OPEN:
        raise CaseError("case_already_decided", f"The case is already {current}.", status=409)
    return True
