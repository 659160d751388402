"""Forged and broken bearer tokens, built from a real access token and identity's key."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import asyncpg
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segment(value: dict[str, Any]) -> str:
    return b64(json.dumps(value, separators=(",", ":")).encode())


async def signing_key(identity_dsn: str, kid: str) -> Ed25519PrivateKey:
    """identity's private key for ``kid``, from its database (a test may forge with it)."""
    conn = await asyncpg.connect(identity_dsn)
    try:
        pem = await conn.fetchval("SELECT private_pem FROM signing_keys WHERE kid = $1", kid)
    finally:
        await conn.close()
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


def kid_of(token: str) -> str:
    kid: str = jwt.get_unverified_header(token)["kid"]
    return kid


class Forger:
    """Tokens that look like ``token`` (same kid, same claims) but must all be refused."""

    def __init__(self, token: str, key: Ed25519PrivateKey) -> None:
        self.token = token
        self.key = key
        self.kid = kid_of(token)
        self.claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})

    def signed(self, key: Ed25519PrivateKey, **changes: Any) -> str:
        claims = {**self.claims, **changes}
        return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": self.kid})

    def valid_copy(self) -> str:
        """The control: signed like identity signs, so only what an attack changes differs."""
        return self.signed(self.key, jti=f"{self.claims['jti']}-copy")

    def expired(self) -> str:
        now = int(time.time())
        return self.signed(self.key, iat=now - 7200, exp=now - 60)

    def alg_none(self) -> str:
        return f"{segment({'alg': 'none', 'typ': 'JWT', 'kid': self.kid})}.{segment(self.claims)}."

    def other_key_same_kid(self) -> str:
        return self.signed(Ed25519PrivateKey.generate())

    def role_escalated(self) -> str:
        """The real header and signature over claims that now say admin."""
        header, _, signature = self.token.split(".")
        return f"{header}.{segment({**self.claims, 'role': 'admin'})}.{signature}"

    def _hs256(self, secret: bytes) -> str:
        head = f"{segment({'alg': 'HS256', 'typ': 'JWT', 'kid': self.kid})}.{segment(self.claims)}"
        mac = hmac.new(secret, head.encode(), hashlib.sha256).digest()
        return f"{head}.{b64(mac)}"

    def hs256_public_key_pem(self) -> str:
        public = self.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return self._hs256(public)

    def hs256_public_key_raw(self) -> str:
        raw = self.key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return self._hs256(raw)

    def forge(self, attack: str) -> str:
        return "not.a-jwt" if attack == "malformed" else str(getattr(self, attack)())


FORGERIES = (
    "malformed",
    "expired",
    "alg_none",
    "other_key_same_kid",
    "role_escalated",
    "hs256_public_key_pem",
    "hs256_public_key_raw",
)
