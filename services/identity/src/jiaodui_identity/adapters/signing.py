"""Access-token signing keys (Ed25519), kept in identity's database, published as JWKS."""

from __future__ import annotations

import json
import math
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jiaodui_runtime.db import DbConnection
from jwt.algorithms import OKPAlgorithm


@dataclass(frozen=True, slots=True)
class SigningKey:
    kid: str
    private_key: Ed25519PrivateKey
    activates_at: datetime | None = None

    def active(self, now: datetime) -> bool:
        return self.activates_at is None or self.activates_at <= now

    def public_jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = json.loads(OKPAlgorithm.to_jwk(self.private_key.public_key()))
        jwk.update(kid=self.kid, use="sig", alg="EdDSA")
        return jwk


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
        now = datetime.now(UTC)
        return next((k for k in self._keys if k.active(now)), self._keys[-1])

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


async def _insert_key(conn: DbConnection, activates_in: timedelta) -> None:
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    await conn.execute(
        "INSERT INTO signing_keys (kid, private_pem, activates_at)"
        " VALUES ($1, $2, now() + $3::interval)",
        uuid.uuid4().hex[:16],
        pem,
        activates_in,
    )


async def _load(conn: DbConnection) -> list[SigningKey]:
    rows = await conn.fetch(
        "SELECT kid, private_pem, activates_at FROM signing_keys"
        " WHERE retired_at IS NULL ORDER BY activates_at DESC"
    )
    keys = []
    for row in rows:
        loaded = serialization.load_pem_private_key(row["private_pem"].encode(), password=None)
        assert isinstance(loaded, Ed25519PrivateKey)
        keys.append(SigningKey(row["kid"], loaded, row["activates_at"]))
    return keys


async def load_or_create_keys(conn: DbConnection) -> list[SigningKey]:
    """Newest first; the first instance to start creates the key (others wait on the lock)."""
    async with conn.transaction():
        await conn.execute("LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE")
        if not await conn.fetchval(
            "SELECT true FROM signing_keys WHERE retired_at IS NULL LIMIT 1"
        ):
            await _insert_key(conn, timedelta(0))
        return await _load(conn)


async def rotate_keys(
    conn: DbConnection,
    *,
    rotate_after: timedelta,
    publish_ahead: timedelta,
    token_lifetime: timedelta,
) -> list[SigningKey]:
    """Add a key when the newest is old (published ``publish_ahead`` before it signs);
    retire a key once a newer one has been signing longer than any token lives."""
    async with conn.transaction():
        await conn.execute("LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE")
        newest = await conn.fetchval(
            "SELECT max(activates_at) FROM signing_keys WHERE retired_at IS NULL"
        )
        if newest is None or newest < datetime.now(UTC) - rotate_after:
            await _insert_key(conn, publish_ahead)
        await conn.execute(
            "UPDATE signing_keys k SET retired_at = now() WHERE retired_at IS NULL"
            " AND EXISTS (SELECT 1 FROM signing_keys n WHERE n.retired_at IS NULL"
            " AND n.activates_at > k.activates_at AND n.activates_at < now() - $1::interval)",
            token_lifetime,
        )
        return await _load(conn)
