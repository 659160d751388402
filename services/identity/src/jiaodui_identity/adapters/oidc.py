"""An OpenID Connect relying party: discovery, authorization code + PKCE, ID token checks.

The protocol pieces come from authlib (request URI, PKCE S256 challenge, the ID token
claim rules of OIDC Core §3.1.3.7: iss, aud, azp, exp, iat, nonce, at_hash) and joserfc
(signature against the provider's JWKS); HTTP goes through the service's httpx client.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus

import httpx
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri  # type: ignore[import-untyped]
from authlib.oauth2.rfc7636 import create_s256_code_challenge  # type: ignore[import-untyped]
from authlib.oidc.core import CodeIDToken  # type: ignore[import-untyped]
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

# asymmetric signatures only: "none" and client-secret HMACs are never accepted
SAFE_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA")
LEEWAY_S = 60


class OidcError(Exception):
    """A failed step; ``code`` is the problem code the caller answers with."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True, slots=True)
class OidcProvider:
    """An institution's provider as an admin configured it."""

    issuer: str
    client_id: str
    client_secret: str
    scopes: str = "openid profile email"
    number_claim: str = "student_number"
    email_claim: str = "email"


@dataclass
class _Cached:
    metadata: dict[str, Any]
    fetched: float
    keys: KeySet | None = None


@dataclass
class OidcClient:
    http: httpx.AsyncClient
    metadata_ttl_s: float = 3600.0
    _cache: dict[str, _Cached] = field(default_factory=dict)

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            answer = await self.http.get(url, headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
            raise OidcError("sso_provider_unavailable", f"{type(exc).__name__}") from exc
        if answer.status_code != 200:
            raise OidcError("sso_provider_unavailable", f"HTTP {answer.status_code}")
        body = answer.json()
        if not isinstance(body, dict):
            raise OidcError("sso_provider_unavailable", "not a JSON object")
        return body

    async def _provider(self, issuer: str) -> _Cached:
        cached = self._cache.get(issuer)
        if cached is not None and time.monotonic() - cached.fetched < self.metadata_ttl_s:
            return cached
        metadata = await self._get_json(f"{issuer.rstrip('/')}/.well-known/openid-configuration")
        # OIDC Discovery §4.3: the document must name exactly the issuer it was fetched for
        if metadata.get("issuer") != issuer:
            raise OidcError("sso_provider_unavailable", "discovery names another issuer")
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(metadata.get(key), str):
                raise OidcError("sso_provider_unavailable", f"discovery lacks {key}")
        cached = _Cached(metadata, time.monotonic())
        self._cache[issuer] = cached
        return cached

    async def authorization_url(
        self, provider: OidcProvider, *, redirect_uri: str, state: str, nonce: str, verifier: str
    ) -> str:
        metadata = (await self._provider(provider.issuer)).metadata
        url: str = prepare_grant_uri(
            metadata["authorization_endpoint"],
            provider.client_id,
            "code",
            redirect_uri=redirect_uri,
            scope=provider.scopes,
            state=state,
            nonce=nonce,
            code_challenge=create_s256_code_challenge(verifier),
            code_challenge_method="S256",
        )
        return url

    async def redeem(
        self, provider: OidcProvider, *, code: str, redirect_uri: str, verifier: str
    ) -> dict[str, Any]:
        """The token endpoint's answer for this code and PKCE verifier (RFC 6749 §4.1.3)."""
        metadata = (await self._provider(provider.issuer)).metadata
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        }
        methods = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
        auth: httpx.Auth = httpx.USE_CLIENT_DEFAULT  # type: ignore[assignment]
        if "client_secret_basic" in methods:
            # RFC 6749 §2.3.1: both parts form-encoded before Basic
            auth = httpx.BasicAuth(_form(provider.client_id), _form(provider.client_secret))
        else:
            form |= {"client_id": provider.client_id, "client_secret": provider.client_secret}
        try:
            answer = await self.http.post(metadata["token_endpoint"], data=form, auth=auth)
        except httpx.HTTPError as exc:
            raise OidcError("sso_provider_unavailable", f"{type(exc).__name__}") from exc
        if answer.status_code >= 500:
            raise OidcError("sso_provider_unavailable", f"HTTP {answer.status_code}")
        try:
            body = answer.json()
        except ValueError:
            body = {}
        if answer.status_code != 200 or not isinstance(body, dict):
            error = body.get("error") if isinstance(body, dict) else None
            raise OidcError(
                "sso_code_rejected",
                f"the provider refused the code ({error or answer.status_code})",
            )
        if not isinstance(body.get("id_token"), str):
            raise OidcError("sso_id_token_invalid", "the provider sent no ID token")
        return body

    async def _keys(self, issuer: str, *, refresh: bool) -> KeySet:
        cached = await self._provider(issuer)
        if cached.keys is None or refresh:
            cached.keys = KeySet.import_key_set(await self._get_json(cached.metadata["jwks_uri"]))  # type: ignore[arg-type]
        return cached.keys

    async def verify_id_token(
        self, provider: OidcProvider, tokens: dict[str, Any], *, nonce: str
    ) -> dict[str, Any]:
        """The ID token's claims once its signature, issuer, audience, times and nonce hold."""
        metadata = (await self._provider(provider.issuer)).metadata
        offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        registry = JWSRegistry(algorithms=[a for a in offered if a in SAFE_ALGORITHMS])
        raw = tokens["id_token"]
        try:
            try:
                token = jwt.decode(
                    raw, await self._keys(provider.issuer, refresh=False), registry=registry
                )
            except InvalidKeyIdError:  # the provider rotated its keys since we fetched them
                token = jwt.decode(
                    raw, await self._keys(provider.issuer, refresh=True), registry=registry
                )
        except (JoseError, ValueError) as exc:
            raise OidcError("sso_id_token_invalid", f"signature: {type(exc).__name__}") from exc
        claims = CodeIDToken(
            token.claims,
            token.header,
            {
                "iss": {"essential": True, "value": provider.issuer},
                "aud": {"essential": True, "value": provider.client_id},
            },
            {"nonce": nonce, "client_id": provider.client_id, **_access_token(tokens)},
        )
        try:
            claims.validate(leeway=LEEWAY_S)
        except JoseError as exc:
            if getattr(exc, "claim", None) == "nonce" or "nonce" in str(exc):
                raise OidcError("sso_nonce_mismatch", "the ID token's nonce is not ours") from exc
            raise OidcError("sso_id_token_invalid", f"claims: {type(exc).__name__}") from exc
        return dict(claims)


def _form(value: str) -> str:
    return quote_plus(value)


def _access_token(tokens: dict[str, Any]) -> dict[str, str]:
    value = tokens.get("access_token")
    return {"access_token": value} if isinstance(value, str) else {}
