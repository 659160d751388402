"""The public event catalogue for campus systems: every public event type with its JSON
Schema, an example CloudEvent, its version and producer, and how to verify a webhook.

Built from the models (the same source as ``schemas/`` and ``asyncapi.json``); the
subscriptions service serves it at ``/api/subscriptions/v1/catalogue`` and the portal
renders it at ``/catalogue``.
"""

from __future__ import annotations

import re
from typing import Any

from jiaodui_contracts._catalogue import summary
from jiaodui_contracts.envelope import SCHEMA_BASE, new_event
from jiaodui_contracts.examples import EXAMPLE_NOW, example_of
from jiaodui_contracts.registry import EVENT_TYPES

__all__ = ["PING_TYPE", "VERIFY_JAVA", "VERIFY_PYTHON", "document"]

PING_TYPE = "jiaodui.subscriptions.Ping.v1"

VERIFY_PYTHON = """\
# pip install standardwebhooks
from standardwebhooks import Webhook

wh = Webhook("whsec_...")  # the secret shown once when the subscriber was registered


def receive(body: bytes, headers: dict[str, str]) -> None:
    event = wh.verify(body, headers)  # raises WebhookVerificationError when forged or stale
    if already_seen(headers["webhook-id"]):  # the same id on every retry and replay
        return
    handle(event["type"], event["data"])
"""

VERIFY_JAVA = """\
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Standard Webhooks: v1,<base64 HMAC-SHA256 of "id.timestamp.body"> (one per secret). */
static boolean verify(String secret, String id, String timestamp, byte[] body, String header)
        throws Exception {
    long age = Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(timestamp));
    if (age > 300) return false;  // refuse replays of old requests
    byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
    byte[] expected = Base64.getEncoder().encode(mac.doFinal(body));
    for (String signature : header.split(" ")) {
        String[] parts = signature.split(",", 2);
        if (parts.length == 2 && parts[0].equals("v1") && MessageDigest.isEqual(
                expected, parts[1].getBytes(StandardCharsets.UTF_8))) return true;
    }
    return false;
}
"""

_PING_SCHEMA: dict[str, Any] = {
    "title": "Ping",
    "type": "object",
    "required": ["subscriber_id", "message", "sent_at"],
    "properties": {
        "subscriber_id": {"type": "string", "format": "uuid"},
        "message": {"const": "ping"},
        "sent_at": {"type": "string"},
    },
}


def _major(type_name: str) -> int:
    match = re.search(r"\.v(\d+)$", type_name)
    return int(match.group(1)) if match else 1


def document(version: str, schemas: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The catalogue (``schemas``: the generated JSON Schemas by file name)."""
    events = []
    for type_name, model in EVENT_TYPES.items():
        if model.PRIVATE:
            continue
        example = new_event(
            example_of(model),
            source=f"/jiaodui/{type_name.split('.')[1]}",
            id="5b0e5d0c-3c8f-4f0e-9d7b-6a1e2b3c4d5e",
            time=EXAMPLE_NOW,
        )
        events.append(
            {
                "type": type_name,
                "name": model.__name__,
                "version": _major(type_name),
                "producer": type_name.split(".")[1],
                "topic": model.TOPIC,
                "key": model.KEY_FIELD,
                "summary": summary(model),
                "schema_url": f"{SCHEMA_BASE}{type_name}.json",
                "schema": schemas[f"{type_name}.json"],
                "example": example.model_dump(mode="json"),
            }
        )
    return {
        "contracts_version": version,
        "events": events,
        "ping": {"type": PING_TYPE, "schema": _PING_SCHEMA},
        "webhooks": {
            "content_type": "application/cloudevents+json",
            "headers": ["webhook-id", "webhook-timestamp", "webhook-signature"],
            "signature": "v1,<base64 HMAC-SHA256 of '<webhook-id>.<webhook-timestamp>.<body>'>",
            "retries_s": [5, 300, 1800, 7200, 18000, 36000, 36000],
            "verify_python": VERIFY_PYTHON,
            "verify_java": VERIFY_JAVA,
        },
    }
