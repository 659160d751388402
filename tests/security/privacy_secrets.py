"""The secrets one journey handled, the responses it received, and where any secret shows.

Each secret is unique to the run, so other tests writing to the same logs and topics
at the same time cannot cause (or hide) a finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import httpx

from tests.security.privacy_watch import Place

ID_PREFIX = 14  # any 14+ character prefix of an ID number gives away region and birth date
_JSON = re.compile(r'"access_token"\s*:\s*"([^"]+)"')


@dataclass
class Secrets:
    """Patterns to look for; a secret may be allowed in the one place that issued it."""

    _patterns: dict[str, re.Pattern[str]] = field(default_factory=dict)
    _allowed: dict[str, str] = field(default_factory=dict)

    def id_number(self, what: str, number: str) -> None:
        assert len(number) == 18
        self._patterns[f"{what} {number} (or its first {ID_PREFIX}+)"] = re.compile(
            re.escape(number[:ID_PREFIX]), re.IGNORECASE
        )

    def literal(self, what: str, value: str, *, issued_in: str | None = None) -> None:
        label = f"{what} {value}"
        self._patterns[label] = re.compile(re.escape(value))
        if issued_in is not None:
            self._allowed[label] = issued_in

    def code(self, what: str, digits: str) -> None:
        """A short numeric code: only where no digit (nor a decimal point) adjoins it."""
        self._patterns[f"{what} {digits}"] = re.compile(rf"(?<![\d.]){re.escape(digits)}(?!\d)")

    def jwt(self, token: str, *, issued_in: str) -> None:
        """A session token, by its signature (the part no other token shares)."""
        self.literal("session JWT signature", token.rsplit(".", 1)[-1], issued_in=issued_in)

    def leaks(self, places: Iterable[Place]) -> list[str]:
        found = []
        for place in places:
            for label, pattern in self._patterns.items():
                if self._allowed.get(label) == place.where:
                    continue
                for match in pattern.finditer(place.text):
                    start, end = max(0, match.start() - 60), match.end() + 60
                    context = place.text[start:end].replace("\n", " ")
                    found.append(f"{label} in {place.where}: …{context}…")
        return found

    def __len__(self) -> int:
        return len(self._patterns)


@dataclass
class HttpRecorder:
    """An httpx response hook that keeps every response's headers and body."""

    places: list[Place] = field(default_factory=list)
    issued_tokens: dict[str, str] = field(default_factory=dict)  # token → its response

    async def __call__(self, response: httpx.Response) -> None:
        await response.aread()
        request = response.request
        where = (
            f"HTTP response #{len(self.places) // 2 + 1} to {request.method} {request.url.path}"
            f" ({response.status_code})"
        )
        headers = "\n".join(f"{k}: {v}" for k, v in response.headers.multi_items())
        body = response.content.decode("utf-8", "replace")
        self.places += [Place(f"{where} headers", headers), Place(f"{where} body", body)]
        for token in _JSON.findall(body):
            self.issued_tokens[token] = f"{where} body"
