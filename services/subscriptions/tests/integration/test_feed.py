"""The pull feed with OAuth 2.0 client credentials from identity (RFC 6749 §4.4)."""

from __future__ import annotations

import pytest
from jiaodui_runtime.testing import eventually

from .conftest import API, CONFIRMED, DISPUTED, Campus, confirmed, disputed

pytestmark = [pytest.mark.integration]


async def _token(campus: Campus, made: dict) -> str:  # type: ignore[type-arg]
    async def issued() -> str | None:
        answer = await campus.client_token(made["client_id"], made["client_secret"])
        if answer.status_code == 401:
            return None  # identity has not learned the client yet
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["token_type"] == "Bearer" and 0 < body["expires_in"] <= 3600
        assert answer.headers["cache-control"] == "no-store"
        token: str = body["access_token"]
        return token

    return await eventually(issued, what="identity to learn the client credentials")


async def test_a_system_follows_the_feed_with_client_credentials(campus: Campus) -> None:
    made = await campus.register(types=[CONFIRMED, DISPUTED])
    token = await _token(campus, made)
    auth = {"Authorization": f"Bearer {token}"}
    first = await campus.publish(confirmed(campus.code), disputed(campus.code))
    await campus.publish(confirmed("ELSEWHERE"))

    async def page(after: str | None, n: int, **params: str) -> dict | None:  # type: ignore[type-arg]
        query = {"limit": "50", **params, **({"after": after} if after else {})}
        answer = await campus.gateway.get(f"{API}/v1/feed", params=query, headers=auth)
        assert answer.status_code == 200, answer.text
        body: dict = answer.json()  # type: ignore[type-arg]
        return body if len(body["items"]) >= n else None

    body = await eventually(lambda: page(None, 2), what="two events in the feed")
    assert [e["id"] for e in body["items"]] == [e.id for e in first]
    assert all(e["data"]["institution_code"] == campus.code for e in body["items"])
    # following the cursor: only what came after
    empty = await page(body["next"], 0)
    assert empty is not None and empty["items"] == [] and empty["next"] == body["next"]
    later = await campus.publish(confirmed(campus.code))
    newer = await eventually(lambda: page(body["next"], 1), what="the newer event")
    assert [e["id"] for e in newer["items"]] == [later[0].id]
    only = await page(None, 1, types=DISPUTED)
    assert only is not None and [e["type"] for e in only["items"]] == [DISPUTED]
    bad = await campus.gateway.get(f"{API}/v1/feed", params={"after": "not-a-cursor"}, headers=auth)
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_cursor"


async def test_token_errors_follow_rfc_6749(campus: Campus) -> None:
    made = await campus.register()
    await _token(campus, made)
    wrong = await campus.client_token(made["client_id"], made["client_secret"] + "x")
    unknown = await campus.client_token("jdc_nobodyatall000", made["client_secret"])
    for answer in (wrong, unknown):
        assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"
    grant = await campus.gateway.post(
        "/api/identity/v1/oauth/token",
        data={"grant_type": "password", "client_id": made["client_id"], "client_secret": "x"},
    )
    assert grant.status_code == 400 and grant.json()["code"] == "unsupported_grant_type"
    as_json = await campus.gateway.post(
        "/api/identity/v1/oauth/token", json={"grant_type": "client_credentials"}
    )
    assert as_json.status_code == 400 and as_json.json()["code"] == "invalid_request"


async def test_a_client_token_opens_the_feed_only_and_dies_with_its_subscriber(
    campus: Campus,
) -> None:
    made = await campus.register()
    auth = {"Authorization": f"Bearer {await _token(campus, made)}"}
    for method, path in (
        ("GET", "/api/identity/v1/me"),
        ("GET", f"{API}/v1/subscribers"),
        ("GET", "/api/records/v1/me/records"),
        ("GET", "/api/notify/v1/me/messages"),
    ):
        answer = await campus.gateway.request(method, path, headers=auth)
        assert answer.status_code == 403 and answer.json()["code"] == "forbidden_role", path
    staff = await campus.gateway.get(f"{API}/v1/feed", headers=campus.admin)
    assert staff.status_code == 403 and staff.json()["code"] == "forbidden_role"
    gone = await campus.gateway.delete(
        f"{API}/v1/subscribers/{made['subscriber_id']}", headers=campus.admin
    )
    assert gone.status_code == 204
    again = await campus.gateway.delete(
        f"{API}/v1/subscribers/{made['subscriber_id']}", headers=campus.admin
    )
    assert again.status_code == 204  # idempotent
    feed = await campus.gateway.get(f"{API}/v1/feed", headers=auth)
    assert feed.status_code in (401, 403)

    async def refused() -> bool:
        answer = await campus.client_token(made["client_id"], made["client_secret"])
        return answer.status_code == 401

    await eventually(refused, what="identity to stop issuing tokens")


async def test_a_registrar_manages_only_their_own_institutions_subscribers(
    campus: Campus,
) -> None:
    from jiaodui_runtime.testing.accounts import create_staff

    registrar = await create_staff(
        campus.gateway, campus.stack, role="registrar", institution_code=campus.code
    )
    mine = await campus.register(headers=registrar.headers)
    theirs = await Campus(
        campus.gateway, campus.stack, campus.admin, "OTHER" + campus.code
    ).register()
    listed = await campus.gateway.get(f"{API}/v1/subscribers", headers=registrar.headers)
    assert [s["subscriber_id"] for s in listed.json()["items"]] == [mine["subscriber_id"]]
    for path in (
        f"{API}/v1/subscribers/{theirs['subscriber_id']}",
        f"{API}/v1/subscribers/{theirs['subscriber_id']}/deliveries",
    ):
        answer = await campus.gateway.get(path, headers=registrar.headers)
        assert answer.status_code == 403 and answer.json()["code"] == "forbidden_scope"
    elsewhere = await campus.gateway.post(
        f"{API}/v1/subscribers",
        json={
            "name": "x", "owner_email": "o@campus.example.edu.cn", "url": "http://127.0.0.1:9/",
            "event_types": [CONFIRMED], "institution_code": "OTHER" + campus.code,
        },
        headers=registrar.headers,
    )  # fmt: skip
    assert elsewhere.status_code == 403 and elsewhere.json()["code"] == "forbidden_scope"
