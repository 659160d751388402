"""Signing reports: a compact JWS (EdDSA, RFC 8037) over the canonical document.

The JWS payload is the document's canonical JSON, so the signature can be checked with
any JOSE library and the key from ``/api/reports/.well-known/jwks.json`` (matched by
``kid``); :func:`verify_jws` is what the portal's offline command uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import jwt
from jiaodui_runtime.signing_keys import SigningKey, newest_active

from jiaodui_reports.domain.document import canonical_json

JWS_TYPE = "jiaodui-report+jws"


class ReportSigner:
    """Signs with the newest active key; publishes every key that is not retired."""

    def __init__(self, keys: list[SigningKey]) -> None:
        if not keys:
            raise ValueError("at least one signing key is needed")
        self._keys = keys

    def reload(self, keys: list[SigningKey]) -> None:
        if keys:
            self._keys = keys

    def jwks(self) -> dict[str, Any]:
        return {"keys": [k.public_jwk() for k in self._keys]}

    def sign(self, document: Mapping[str, Any]) -> tuple[str, str]:
        """(kid, compact JWS) of the document."""
        key = newest_active(self._keys)
        token = jwt.api_jws.encode(
            canonical_json(document),
            key.private_key,
            algorithm="EdDSA",
            headers={"kid": key.kid, "typ": JWS_TYPE},
        )
        return key.kid, token


class SignatureInvalid(Exception):
    """The JWS does not verify with any published key (or is not a report JWS)."""


def verify_jws(token: str, jwks: Mapping[str, Any]) -> tuple[str, bytes]:
    """(kid, canonical document bytes) of a genuine report JWS; :class:`SignatureInvalid`
    otherwise. ``jwks`` is the published key set (fetched or read from a file)."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as exc:
        raise SignatureInvalid("not a JWS") from exc
    kid = header.get("kid")
    keys: Iterable[dict[str, Any]] = jwks.get("keys", [])
    found = next((k for k in keys if k.get("kid") == kid), None)
    if found is None or header.get("alg") != "EdDSA":
        raise SignatureInvalid(f"no published key with kid {kid!r}")
    try:
        key = jwt.PyJWK.from_dict(found).key
        decoded = jwt.api_jws.decode_complete(token, key=key, algorithms=["EdDSA"])
    except (jwt.InvalidTokenError, jwt.PyJWKError) as exc:
        raise SignatureInvalid("the signature does not match the signed data") from exc
    payload: bytes = decoded["payload"]
    return str(kid), payload
