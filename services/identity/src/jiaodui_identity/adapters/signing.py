"""Access-token signing keys (Ed25519), kept in identity's database, published as JWKS."""

from __future__ import annotations

import math
import time
import uuid
from datetime import timedelta
from typing import Any

import jwt
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.signing_keys import SigningKey, load_or_create_keys, newest_active
from jiaodui_runtime.signing_keys import rotate_keys as rotate_signing_keys

__all__ = ["SigningKey", "TokenSigner", "load_or_create_keys", "rotate_keys"]


class TokenSigner:
    """Signs access tokens with the newest key; verifies with all non-retired keys."""

    def __init__(self, keys: list[SigningKey], *, issuer: str, audience: str) -> None:
        if not keys:
            raise ValueError("at least one signing key is needed")
        self._keys = keys
        self._issuer = issuer
        self._audience = audience

    def reload(self, keys: list[SigningKey]) -> None:
        if keys:
            self._keys = keys

    def _signing_key(self) -> SigningKey:
        return newest_active(self._keys)

    def jwks(self) -> dict[str, Any]:
        return {"keys": [k.public_jwk() for k in self._keys]}

    async def key_for(self, kid: str) -> Any:
        """KeySource for the runtime's verifier: identity trusts its own keys locally."""
        for key in self._keys:
            if key.kid == kid:
                return key.private_key.public_key()
        return None

    def issue(self, *, subject: str, ttl_s: int, claims: dict[str, Any]) -> str:
        now = time.time()
        payload = {
            **{k: v for k, v in claims.items() if v is not None},
            "sub": subject,
            "iss": self._issuer,
            "aud": self._audience,
            # fractional (RFC 7519 NumericDate allows it): "sessions before this instant"
            # revocations must not catch a token issued a moment later in the same second
            "iat": math.floor(now * 1000) / 1000,
            "exp": int(now) + ttl_s,
            "jti": uuid.uuid4().hex,
        }
        key = self._signing_key()
        return jwt.encode(payload, key.private_key, algorithm="EdDSA", headers={"kid": key.kid})


async def rotate_keys(
    conn: DbConnection,
    *,
    rotate_after: timedelta,
    publish_ahead: timedelta,
    token_lifetime: timedelta,
) -> list[SigningKey]:
    """Add a key when the newest is old (published ``publish_ahead`` before it signs);
    retire a key once a newer one has been signing longer than any token lives."""
    return await rotate_signing_keys(
        conn, rotate_after=rotate_after, publish_ahead=publish_ahead, retire_after=token_lifetime
    )
