"""Sealing of values at rest (AES-256-GCM, key derived from a settings secret and a purpose).

For what a row must keep readable until it is used and then forget: a pending mail's
links with tokens (notify), a webhook endpoint's signing secrets (subscriptions).
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

import orjson
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = ["Sealer"]


class Sealer:
    """``seal`` any JSON value into bytes (12-byte nonce + ciphertext); ``open`` reverses it.

    ``purpose`` separates the keys of different uses of one secret."""

    def __init__(self, secret: bytes, *, purpose: str) -> None:
        self._aead = AESGCM(hashlib.sha256(f"jiaodui-{purpose}-seal:".encode() + secret).digest())

    def seal(self, value: Any) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, orjson.dumps(value), None)

    def open(self, sealed: bytes) -> Any:
        return orjson.loads(self._aead.decrypt(sealed[:12], sealed[12:], None))
