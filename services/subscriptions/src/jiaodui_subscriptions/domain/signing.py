"""Standard Webhooks signatures, secrets and ids (https://www.standardwebhooks.com/).

A request carries ``webhook-id``, ``webhook-timestamp`` (Unix seconds) and
``webhook-signature``: space-separated ``v1,<base64 HMAC-SHA256>`` over
``"<id>.<timestamp>.<body>"``, keyed with the base64-decoded part of the ``whsec_``
secret. During a rotation both the new and the previous secret sign.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Sequence

SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret
_IDS = uuid.UUID("6f0c4a34-4d4e-4b8e-9a55-6a1c2f7b3e01")  # namespace of webhook ids


def new_webhook_secret() -> str:
    """A ``whsec_`` secret of 32 random bytes (base64), as Standard Webhooks libraries read it."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(*, secrets_: Sequence[str], msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header: one ``v1,`` signature per secret."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return " ".join(
        "v1," + base64.b64encode(hmac.new(secret_key(s), signed, hashlib.sha256).digest()).decode()
        for s in secrets_
    )


def webhook_id(subscriber_id: str, event_id: str) -> str:
    """Stable per (subscriber, event): every retry, resend and replay carries the same id, so
    a receiver that deduplicates by it applies each event once."""
    return "msg_" + uuid.uuid5(_IDS, f"{subscriber_id}:{event_id}").hex


def new_client_id() -> str:
    return "jdc_" + secrets.token_urlsafe(16)


def new_client_secret() -> str:
    return "jds_" + secrets.token_urlsafe(32)


def secret_sha256(client_secret: str) -> str:
    """What identity keeps of a client secret. 256 random bits cannot be guessed from a
    fast hash, and a slow one (argon2) would let anyone spend identity's CPU per request."""
    return hashlib.sha256(client_secret.encode()).hexdigest()
