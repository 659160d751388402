"""Campus sign-on rules, CAS 3.0 answers and ID token checks, without a server."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest
from jiaodui_identity.adapters import cas
from jiaodui_identity.adapters.oidc import OidcClient, OidcError, OidcProvider
from jiaodui_identity.domain.accounts import is_valid_email
from jiaodui_identity.domain.sso import Decision, decide, normalise_number, placeholder_email
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey

ACCOUNT = uuid.uuid4()
OTHER = uuid.uuid4()


@pytest.mark.parametrize(
    ("number", "linked", "on_roster", "holder", "expected"),
    [
        (None, None, True, None, Decision.NUMBER_MISSING),
        ("2021001", ACCOUNT, False, None, Decision.LINKED),  # a staff number: no roster needed
        ("2021001", ACCOUNT, True, OTHER, Decision.LINKED),  # the link wins over the roster
        ("2021001", None, False, None, Decision.NOT_IN_ROSTER),
        ("2021001", None, True, OTHER, Decision.LINK_EXISTING),
        ("2021001", None, True, None, Decision.CREATE_STUDENT),
    ],
)
def test_which_account_a_campus_login_opens(
    number: str | None,
    linked: uuid.UUID | None,
    on_roster: bool,
    holder: uuid.UUID | None,
    expected: Decision,
) -> None:
    link = decide(
        number=number, linked_account=linked, on_roster=on_roster, account_with_identity=holder
    )
    assert link.decision is expected
    assert link.account_id == {Decision.LINKED: linked, Decision.LINK_EXISTING: holder}.get(
        expected
    )


@pytest.mark.parametrize(
    ("claim", "number"),
    [
        ("2021001", "2021001"),
        (" 2021001 ", "2021001"),
        (2021001, "2021001"),
        (["2021001"], "2021001"),
        (["1", "2"], None),
        (True, None),
        ("", None),
        ("2021 001", None),
        ("x" * 65, None),
        ({"n": 1}, None),
        (None, None),
    ],
)
def test_numbers_from_claims_and_attributes(claim: Any, number: str | None) -> None:
    assert normalise_number(claim) == number


def test_a_placeholder_address_is_valid_and_never_deliverable() -> None:
    email = placeholder_email("10335", "3190100001")
    assert is_valid_email(email) and email.endswith("@10335.invalid")
    assert placeholder_email("10335", "3190100001") != email


# CAS Protocol 3.0, §2.5.4 / Appendix A: the documented answers
SUCCESS = b"""<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">
 <cas:authenticationSuccess>
  <cas:user>username</cas:user>
  <cas:attributes>
    <cas:firstname>John</cas:firstname>
    <cas:lastname>Doe</cas:lastname>
    <cas:title>Mr.</cas:title>
    <cas:email>jdoe@example.org</cas:email>
    <cas:affiliation>staff</cas:affiliation>
    <cas:affiliation>faculty</cas:affiliation>
  </cas:attributes>
  <cas:proxyGrantingTicket>PGTIOU-84678-8a9d...</cas:proxyGrantingTicket>
 </cas:authenticationSuccess>
</cas:serviceResponse>"""
FAILURE = b"""<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">
 <cas:authenticationFailure code="INVALID_TICKET">
    Ticket ST-1856339-aA5Yuvrxzpv8Tau1cYQ7 not recognized
  </cas:authenticationFailure>
</cas:serviceResponse>"""


def test_cas_success_with_attributes() -> None:
    answer = cas.parse_service_response(SUCCESS)
    assert answer.user == "username"
    assert answer.attributes["affiliation"] == ["staff", "faculty"]
    assert answer.first("email") == "jdoe@example.org"
    assert answer.first(None) == "username"
    assert answer.first("affiliation") is None  # several values name nobody


def test_cas_failure_keeps_the_code_not_the_ticket() -> None:
    with pytest.raises(cas.CasError) as failure:
        cas.parse_service_response(FAILURE)
    assert failure.value.code == "sso_ticket_invalid"
    assert failure.value.cas_code == "INVALID_TICKET"
    assert "ST-" not in str(failure.value)


@pytest.mark.parametrize(
    "body",
    [
        b"<html>oops</html>",
        b"not xml",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
        b'<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"/>',
    ],
)
def test_unreadable_cas_answers(body: bytes) -> None:
    with pytest.raises(cas.CasError) as failure:
        cas.parse_service_response(body)
    assert failure.value.code == "sso_provider_unavailable"


def test_service_tickets_by_the_spec() -> None:
    assert cas.is_ticket("ST-1856339-aA5Yuvrxzpv8Tau1cYQ7")
    assert not cas.is_ticket("PT-1856339")
    assert not cas.is_ticket("ST-" + "a" * 254)
    assert not cas.is_ticket("ST-a&b=c")


ISSUER = "https://idp.campus.edu.cn/realms/c"
PROVIDER = OidcProvider(issuer=ISSUER, client_id="jiaodui", client_secret="s")


class FakeIdp:
    """Discovery and JWKS of a provider, served through httpx's MockTransport."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
        self.jwks_fetches = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/.well-known/openid-configuration"):
            return httpx.Response(
                200,
                json={
                    "issuer": ISSUER,
                    "authorization_endpoint": f"{ISSUER}/auth",
                    "token_endpoint": f"{ISSUER}/token",
                    "jwks_uri": f"{ISSUER}/jwks",
                    "id_token_signing_alg_values_supported": ["RS256", "HS256", "none"],
                },
            )
        if request.url.path.endswith("/jwks"):
            self.jwks_fetches += 1
            return httpx.Response(200, json=KeySet([self.key]).as_dict(private=False))
        return httpx.Response(404)

    def token(self, **overrides: Any) -> str:
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": "jiaodui", "sub": "u1", "iat": now, "exp": now + 300}
        claims |= {"nonce": "n1", "student_number": "3190100001"}
        return jwt.encode({"alg": "RS256", "kid": "k1"}, claims | overrides, self.key)


@pytest.fixture
def idp() -> FakeIdp:
    return FakeIdp()


def client(idp: FakeIdp) -> OidcClient:
    return OidcClient(httpx.AsyncClient(transport=httpx.MockTransport(idp.handle)))


async def test_an_id_token_from_the_provider_is_accepted(idp: FakeIdp) -> None:
    claims = await client(idp).verify_id_token(PROVIDER, {"id_token": idp.token()}, nonce="n1")
    assert claims["student_number"] == "3190100001"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"nonce": "n2"}, "sso_nonce_mismatch"),
        ({"aud": "someone-else"}, "sso_id_token_invalid"),
        ({"iss": "https://evil.example"}, "sso_id_token_invalid"),
        ({"exp": int(time.time()) - 3600}, "sso_id_token_invalid"),
    ],
)
async def test_id_tokens_with_wrong_claims_are_refused(
    idp: FakeIdp, overrides: dict[str, Any], code: str
) -> None:
    with pytest.raises(OidcError) as refused:
        await client(idp).verify_id_token(
            PROVIDER, {"id_token": idp.token(**overrides)}, nonce="n1"
        )
    assert refused.value.code == code


async def test_foreign_keys_and_symmetric_algorithms_are_refused(idp: FakeIdp) -> None:
    stranger = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": "jiaodui", "sub": "u", "iat": now, "exp": now + 60}
    forged = jwt.encode({"alg": "RS256", "kid": "k1"}, claims | {"nonce": "n1"}, stranger)
    hmac = jwt.encode({"alg": "HS256"}, claims | {"nonce": "n1"}, OctKey.import_key("s" * 32))
    for token in (forged, hmac):
        with pytest.raises(OidcError) as refused:
            await client(idp).verify_id_token(PROVIDER, {"id_token": token}, nonce="n1")
        assert refused.value.code == "sso_id_token_invalid"


async def test_a_rotated_key_is_fetched_once_more(idp: FakeIdp) -> None:
    oidc = client(idp)
    await oidc.verify_id_token(PROVIDER, {"id_token": idp.token()}, nonce="n1")
    idp.key = RSAKey.generate_key(2048, parameters={"kid": "k2"})
    token = jwt.encode(
        {"alg": "RS256", "kid": "k2"},
        {"iss": ISSUER, "aud": "jiaodui", "sub": "u", "iat": int(time.time()),
         "exp": int(time.time()) + 60, "nonce": "n1"},
        idp.key,
    )  # fmt: skip
    await oidc.verify_id_token(PROVIDER, {"id_token": token}, nonce="n1")
    assert idp.jwks_fetches == 2


async def test_the_authorization_request_carries_pkce_state_and_nonce(idp: FakeIdp) -> None:
    url = httpx.URL(
        await client(idp).authorization_url(
            PROVIDER, redirect_uri="https://p/cb", state="s1", nonce="n1", verifier="v" * 43
        )
    )
    assert url.params["code_challenge_method"] == "S256"
    assert url.params["code_challenge"] and url.params["code_challenge"] != "v" * 43
    assert (url.params["state"], url.params["nonce"]) == ("s1", "n1")
    assert url.params["redirect_uri"] == "https://p/cb"
