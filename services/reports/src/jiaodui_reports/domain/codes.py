"""Verification codes: 16 characters from an alphabet without look-alikes, read in groups.

The alphabet leaves out 0/O, 1/I/L, so a code read aloud or typed from paper cannot be
mistaken; 31 symbols to the 16th power is about 2^79 codes, drawn from the operating
system's randomness, so guessing one is hopeless even before the rate limits.
"""

from __future__ import annotations

import secrets
import unicodedata

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 16
GROUP = 4
SEPARATOR = "-"


def new_code() -> str:
    """A fresh code in its stored (plain, upper-case) form."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def grouped(code: str) -> str:
    """``ABCDEFGHJKMNPQRS`` → ``ABCD-EFGH-JKMN-PQRS`` (how people read and type it)."""
    return SEPARATOR.join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalise(text: str) -> str | None:
    """The stored form of what someone typed or scanned, or None when it cannot be a code.

    Full-width characters are folded, case is ignored, spaces and dashes are dropped.
    """
    folded = unicodedata.normalize("NFKC", text).upper()
    plain = "".join(ch for ch in folded if not ch.isspace() and ch not in "-_")
    if len(plain) != LENGTH or any(ch not in ALPHABET for ch in plain):
        return None
    return plain
