"""Ed25519 signing keys kept in a service's own database and published as a JWKS.

Identity signs access tokens with them, reports signs verification reports. The
``signing_keys`` table (``kid``, ``private_pem``, ``activates_at``, ``retired_at``) is
created by the service's own migration. Rotation: a new key is added when the newest is
older than ``rotate_after`` and published ``publish_ahead`` before it signs (verifiers
caching the JWKS learn it first); a key is retired once a newer one has been signing for
longer than ``retire_after`` (what it signed has expired by then).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

from jiaodui_runtime.db import DbConnection

__all__ = ["SigningKey", "load_or_create_keys", "newest_active", "rotate_keys"]


@dataclass(frozen=True, slots=True)
class SigningKey:
    """One key: its id, the private key, and when it starts signing."""

    kid: str
    private_key: Ed25519PrivateKey
    activates_at: datetime | None = None

    def active(self, now: datetime) -> bool:
        return self.activates_at is None or self.activates_at <= now

    def public_jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = json.loads(OKPAlgorithm.to_jwk(self.private_key.public_key()))
        jwk.update(kid=self.kid, use="sig", alg="EdDSA")
        return jwk


def newest_active(keys: list[SigningKey], now: datetime | None = None) -> SigningKey:
    """The key to sign with: the newest one already active (keys are newest first)."""
    moment = now or datetime.now(UTC)
    return next((k for k in keys if k.active(moment)), keys[-1])


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
    retire_after: timedelta,
) -> list[SigningKey]:
    """Add a key when the newest is old; retire keys whose successor has signed for longer
    than ``retire_after``. Safe to run from every instance at once (table lock)."""
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
            retire_after,
        )
        return await _load(conn)
