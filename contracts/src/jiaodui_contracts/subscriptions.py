"""Private events of the subscriptions service (topic ``subscriptions.clients``).

Not for other systems: they tell identity which campus systems may ask for an access
token (client id and a SHA-256 hash of the client secret, never the secret). Campus
systems receive the *public* events, through webhooks or the feed, not these. (The mail
to an endpoint's owner is a command on ``notify.requests``: ``SendWebhookDisabledNotice``.)
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import StringConstraints

from jiaodui_contracts._base import Contract, Timestamp, Uuid

SecretHash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
"""SHA-256 (lower-case hex) of a client secret: 256 random bits, so a fast hash is enough."""
ClientScope = Annotated[str, StringConstraints(pattern=r"^events:[a-z]+$")]
"""``events:<family>``: the right to read the public events of one producing service."""


class ClientCredentialsChanged(Contract):
    """The whole current state of one campus system's client credentials (a snapshot: apply
    it when ``revision`` is newer than what you hold). ``enabled: false`` ends the client:
    no new tokens, and tokens already issued are revoked."""

    PRIVATE: ClassVar[bool] = True
    TYPE: ClassVar[str] = "jiaodui.subscriptions.ClientCredentialsChanged.v1"
    TOPIC: ClassVar[str] = "subscriptions.clients"
    KEY_FIELD: ClassVar[str] = "client_id"
    client_id: Annotated[str, StringConstraints(pattern=r"^jdc_[A-Za-z0-9_-]{8,64}$")]
    subscriber_id: Uuid
    institution_code: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    scopes: list[ClientScope]
    secret_sha256: SecretHash
    enabled: bool
    revision: int
    changed_at: Timestamp
