"""Campus single sign-on rules: what a campus login says and which account it opens.

A campus identity provider (OIDC or CAS) vouches for a person of one institution and names
them by the institution's student/staff number (学工号). The number is the link:

- a number already linked (an earlier campus login, or a staff number an admin linked to a
  staff account) opens that account;
- a number on the institution's roster (identity's replica of records' public events)
  whose registry identity already belongs to an account (the student registered with a
  password before) links to that account: one person, one account;
- a number on the roster without such an account gets a new student account whose e-mail
  the campus vouched for; real-name registration then follows the same rules as for
  everyone (ID number checked, never changed afterwards);
- any other number is refused: the campus knows this person, the registry does not.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

NUMBER_MAX = 64
_NUMBER = re.compile(r"^[0-9A-Za-z._-]{1,64}$")


class Protocol(StrEnum):
    OIDC = "oidc"
    CAS = "cas"


@dataclass(frozen=True, slots=True)
class CampusIdentity:
    """What the provider vouched for, after its signature/ticket was checked."""

    institution_code: str
    protocol: Protocol
    subject: str
    number: str | None
    email: str | None


class Decision(StrEnum):
    LINKED = "linked"  # the number is linked: open that account
    LINK_EXISTING = "link_existing"  # registered before: link the number to that account
    CREATE_STUDENT = "create_student"  # first campus login of a rostered student
    NOT_IN_ROSTER = "not_in_roster"
    NUMBER_MISSING = "number_missing"


@dataclass(frozen=True, slots=True)
class Link:
    decision: Decision
    account_id: uuid.UUID | None = None


def normalise_number(value: Any) -> str | None:
    """A student/staff number from a claim or attribute: text or an integer, trimmed;
    None when absent, empty, a list of several, or not a plausible number."""
    if isinstance(value, list):
        if len(value) != 1:
            return None
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    return text if _NUMBER.match(text) else None


def decide(
    *,
    number: str | None,
    linked_account: uuid.UUID | None,
    on_roster: bool,
    account_with_identity: uuid.UUID | None,
) -> Link:
    """Which account a campus login opens (see the module's docstring)."""
    if number is None:
        return Link(Decision.NUMBER_MISSING)
    if linked_account is not None:
        return Link(Decision.LINKED, linked_account)
    if not on_roster:
        return Link(Decision.NOT_IN_ROSTER)
    if account_with_identity is not None:
        return Link(Decision.LINK_EXISTING, account_with_identity)
    return Link(Decision.CREATE_STUDENT)


def placeholder_email(institution_code: str, number: str) -> str:
    """The user name of a campus-created account whose provider gave no usable e-mail: an
    address under the reserved ``.invalid`` domain (RFC 2606), so nothing is ever sent to a
    stranger; the student can still log in through the campus."""
    slug = re.sub(r"[^a-z0-9-]", "-", institution_code.lower())[:40] or "campus"
    local = re.sub(r"[^a-z0-9._-]", "-", number.lower())[:40]
    return f"sso-{local}-{uuid.uuid4().hex[:8]}@{slug}.invalid"
