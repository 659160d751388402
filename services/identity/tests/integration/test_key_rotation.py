"""Signing-key rotation: published before use, old keys kept while their tokens live."""

from __future__ import annotations

from datetime import timedelta
from importlib.resources import files

import jwt
import pytest
from jiaodui_identity.adapters.signing import TokenSigner, load_or_create_keys, rotate_keys
from jiaodui_runtime.db import connect
from jiaodui_runtime.migrations import apply_migrations, load_migrations, runtime_migrations

pytestmark = pytest.mark.integration


async def test_rotation_publishes_first_signs_later_and_retires_after_token_lifetime(
    fresh_database: str,
) -> None:
    conn = await connect(fresh_database)
    try:
        identity = load_migrations("identity", files("jiaodui_identity") / "migrations")
        await apply_migrations(conn, [*runtime_migrations(), *identity])
        first = await load_or_create_keys(conn)
        assert len(first) == 1
        assert [k.kid for k in await load_or_create_keys(conn)] == [first[0].kid]
        signer = TokenSigner(first, issuer="i", audience="a")
        old_token = signer.issue(subject="s", ttl_s=60, claims={"role": "student"})

        keys = await rotate_keys(
            conn,
            rotate_after=timedelta(0),
            publish_ahead=timedelta(hours=1),
            token_lifetime=timedelta(hours=1),
        )
        signer.reload(keys)
        assert len(signer.jwks()["keys"]) == 2  # the new key is published...
        kid = jwt.get_unverified_header(signer.issue(subject="s", ttl_s=60, claims={}))["kid"]
        assert kid == first[0].kid  # ...but does not sign yet

        # time passes: the old key has signed for 3 hours, the new one for the last 2
        await conn.execute(
            "UPDATE signing_keys SET activates_at = now() - CASE WHEN kid = $1"
            " THEN interval '3 hours' ELSE interval '2 hours' END",
            first[0].kid,
        )
        keys = await rotate_keys(
            conn,
            rotate_after=timedelta(days=30),
            publish_ahead=timedelta(hours=1),
            token_lifetime=timedelta(hours=1),
        )
        signer.reload(keys)
        assert [k["kid"] for k in signer.jwks()["keys"]] != [first[0].kid]
        assert first[0].kid not in {k["kid"] for k in signer.jwks()["keys"]}  # retired
        assert await signer.key_for(jwt.get_unverified_header(old_token)["kid"]) is None
    finally:
        await conn.close()
