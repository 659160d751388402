"""Account rules: e-mail user names, the password rule, activation tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
import string
import unicodedata
from enum import StrEnum

PASSWORD_MIN, PASSWORD_MAX = 6, 30
_SPECIALS = frozenset(string.punctuation)
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
EDU_SUFFIXES = (".edu.cn", ".edu")


class AccountStatus(StrEnum):
    REGISTERED = "registered"  # e-mail not yet verified
    EMAIL_VERIFIED = "email_verified"  # activated, real name still missing
    ACTIVE = "active"  # real-name registration done


class PasswordProblem(StrEnum):
    LENGTH = "password_length"
    CHARACTERS = "password_characters"
    MISMATCH = "password_mismatch"


def normalise_email(email: str) -> str:
    return unicodedata.normalize("NFKC", email).strip().lower()


def is_valid_email(email: str) -> bool:
    return len(email) <= 254 and _EMAIL.match(email) is not None


def is_edu_email(email: str) -> bool:
    return normalise_email(email).endswith(EDU_SUFFIXES)


def check_password(password: str, confirm: str) -> PasswordProblem | None:
    """6-30 characters, each a letter, digit or special character, entered twice alike."""
    if password != confirm:
        return PasswordProblem.MISMATCH
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        return PasswordProblem.LENGTH
    if not all(ch.isascii() and (ch.isalnum() or ch in _SPECIALS) for ch in password):
        return PasswordProblem.CHARACTERS
    return None


def new_link_token() -> tuple[str, str]:
    """A fresh single-use link token and the hash that is stored instead of it."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# What each staff role is scoped to; the other staff roles (support, ops, admin) see everything.
STAFF_SCOPE = {
    "registrar": ("institution",),
    "photographer": ("institution",),
    "college_staff": ("institution", "college"),
}


def staff_scope_problem(role: str, institution_code: str | None, college: str | None) -> str | None:
    """Why this scope does not fit the role (a problem code), or None."""
    scope = STAFF_SCOPE.get(role, ())
    if "institution" in scope and not institution_code:
        return "institution_required"
    if "college" in scope and not college:
        return "college_required"
    if (institution_code and "institution" not in scope) or (college and "college" not in scope):
        return "scope_not_applicable"
    return None
