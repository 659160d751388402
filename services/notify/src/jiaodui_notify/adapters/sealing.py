"""Sealing of pending payloads at rest (AES-256-GCM, key derived from a settings secret).

A pending delivery must keep what it will send (an activation link carries a token)
until the send succeeds or fails for good; the row then forgets it.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

import orjson
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class Sealer:
    def __init__(self, secret: bytes) -> None:
        self._aead = AESGCM(hashlib.sha256(b"jiaodui-notify-seal:" + secret).digest())

    def seal(self, value: Any) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, orjson.dumps(value), None)

    def open(self, sealed: bytes) -> Any:
        return orjson.loads(self._aead.decrypt(sealed[:12], sealed[12:], None))
