"""Masking and keyed hashing of personal identifiers: the one place that does it.

Plain ID numbers, phone numbers, e-mail addresses and tokens never reach logs,
public events or responses; callers use these helpers (or the log processor in
:mod:`jiaodui_runtime.logging`, which uses them) instead of masking by hand.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

_SENSITIVE_KEYS = frozenset(
    {
        "password",
        "password_confirm",
        "token",
        "access_token",
        "refresh_token",
        "authorization",
        "secret",
        "sms_code",
        "code",
        "ticket",
        "activation_url",
        "reset_url",
        "cookie",
        "id_number",
        "phone",
        "contact_phone",
    }
)
_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(\+?86[- ]?)?(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
_TOKEN_IN_URL = re.compile(r"((?:token|code|ticket)=)[^&\s\"']+", re.IGNORECASE)
_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE)


def normalise_id_number(id_number: str) -> str:
    """Fold full-width characters, drop spaces and upper-case the check letter."""
    folded = unicodedata.normalize("NFKC", id_number)
    return "".join(folded.split()).upper()


def mask_id_number(id_number: str) -> str:
    """``110101199003071234`` → ``110101********1234``; short numbers keep 2+2."""
    n = normalise_id_number(id_number)
    if len(n) >= 15:
        return n[:6] + "*" * (len(n) - 10) + n[-4:]
    if len(n) > 4:
        return n[:2] + "*" * (len(n) - 4) + n[-2:]
    return "*" * len(n)


def mask_phone(phone: str) -> str:
    """``13812345678`` → ``138****5678``."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) >= 7:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * len(digits)


def mask_email(email: str) -> str:
    """``student@example.edu.cn`` → ``s***@example.edu.cn``."""
    local, _, domain = email.partition("@")
    if not domain:
        return "***"
    return f"{local[:1]}***@{domain}"


def identity_hash(secret: bytes, id_type: str, id_number: str) -> str:
    """Keyed hash that services join on instead of the plain ID (HMAC-SHA256, hex)."""
    message = f"{id_type}:{normalise_id_number(id_number)}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


_MAYBE_PERSONAL = re.compile(r"\d{11}|[@=]|(?i:bearer)")
"""What every pattern above needs somewhere in a text: 11 digits in a row (an ID number has
17, a mobile 11), an ``@``, an ``=`` or the word bearer. One search for it instead of five
substitutions: most values of a log line are ids, routes and times (52 → 8 µs a line)."""


def scrub_text(text: str) -> str:
    """Mask every ID number, mobile number, e-mail and token found inside free text."""
    if not _MAYBE_PERSONAL.search(text):
        return text
    return _scrub_all(text)


def _scrub_all(text: str) -> str:
    text = _BEARER.sub(r"\1***", text)
    text = _TOKEN_IN_URL.sub(r"\1***", text)
    text = _RESIDENT_ID.sub(lambda m: m.group(1) + "********" + m.group(2), text)
    text = _MOBILE.sub(lambda m: (m.group(1) or "") + m.group(2) + "****" + m.group(3), text)
    return _EMAIL.sub(r"\1***@\2", text)


def scrub(value: Any, key: str | None = None) -> Any:
    """Recursively mask a structure for logging: sensitive keys are replaced whole."""
    if key is not None and key.lower() in _SENSITIVE_KEYS:
        return "***" if value is not None else None
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, Mapping):
        return {k: scrub(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value
