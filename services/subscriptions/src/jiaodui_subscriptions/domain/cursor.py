"""The feed's opaque cursor: a position in the subscriptions service's event log."""

from __future__ import annotations

import base64
import binascii


class InvalidCursor(ValueError):
    """A cursor this service did not hand out."""


def encode(position: int) -> str:
    return base64.urlsafe_b64encode(f"jd1:{position}".encode()).decode().rstrip("=")


def decode(cursor: str | None) -> int:
    """The position after which to read; 0 (the start of what is kept) without a cursor."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise InvalidCursor(cursor) from exc
    prefix, _, number = text.partition(":")
    if prefix != "jd1" or not number.isdigit() or len(number) > 19:
        raise InvalidCursor(cursor)
    return int(number)
