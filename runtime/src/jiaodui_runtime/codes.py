"""Collection codes: an opaque, signed stand-in for a student's record.

The student shows it to the photographer instead of an ID number (records signs
it, photos verifies it); it names the record and nothing else, and cannot be
forged without the shared secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid

_PREFIX = "JD1"
_MAC_BYTES = 10


def _mac(secret: bytes, payload: bytes) -> bytes:
    return hmac.new(secret, b"collection-code:" + payload, hashlib.sha256).digest()[:_MAC_BYTES]


def sign_collection_code(secret: bytes, record_id: str) -> str:
    """``JD1`` + base32 of (record uuid bytes + truncated HMAC): 46 characters, QR-friendly."""
    raw = uuid.UUID(record_id).bytes
    token = base64.b32encode(raw + _mac(secret, raw)).decode().rstrip("=")
    return _PREFIX + token


def verify_collection_code(secret: bytes, code: str) -> str | None:
    """The record id a genuine code names, else None."""
    text = "".join(code.split()).upper()
    if not text.startswith(_PREFIX):
        return None
    body = text.removeprefix(_PREFIX)
    try:
        blob = base64.b32decode(body + "=" * (-len(body) % 8))
    except ValueError:
        return None
    raw, mac = blob[:16], blob[16:]
    if len(raw) != 16 or not hmac.compare_digest(mac, _mac(secret, raw)):
        return None
    return str(uuid.UUID(bytes=raw))
