"""Read what the dev mail and SMS sinks received (``.stack/mail``, ``.stack/sms.jsonl``)."""

from __future__ import annotations

import email
import email.policy
import json
import re
from email.message import EmailMessage
from pathlib import Path
from typing import Any

_TOKEN = re.compile(r"[?&]token=([A-Za-z0-9_\-%.~]+)")


def mails_to(stack_dir: Path, address: str) -> list[EmailMessage]:
    """Every mail the SMTP sink wrote for ``address``, oldest first."""
    found = []
    wanted = address.lower().encode()
    for path in sorted((stack_dir / "mail").glob("*.eml")):
        raw = path.read_bytes()
        if wanted not in raw.lower():  # parsing every mail of a long-lived sink took seconds
            continue
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        if address.lower() in str(message.get("To", "")).lower():
            found.append(message)
    return found


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    assert part is not None
    content: str = part.get_content()
    return content


def link_token(message: EmailMessage) -> str | None:
    """The ``token=`` value of the first link in the mail."""
    match = _TOKEN.search(text_of(message))
    return match.group(1) if match else None


def sms_to(stack_dir: Path, phone: str) -> list[dict[str, Any]]:
    path = stack_dir / "sms.jsonl"
    if not path.exists():
        return []
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [line for line in lines if line.get("phone") == phone]
