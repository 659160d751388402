"""The routes of the running services, read from their own OpenAPI documents.

Tests that must cover every route (hostile input, access rules, fuzzing) discover them
here instead of keeping a list, so a new route is covered the day it is added.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

SERVICES = ("identity", "records", "photos", "notify", "corrections", "reports", "subscriptions")
WRITE_METHODS = ("post", "put", "patch", "delete")
_PARAM = re.compile(r"{([^}]+)}")


@dataclass(frozen=True, slots=True)
class Route:
    """One operation: where it lives and what body it declares (``media`` None: no body)."""

    service: str
    method: str
    template: str
    media: str | None = None
    schema: Mapping[str, Any] = field(default_factory=dict)

    @property
    def params(self) -> list[str]:
        return _PARAM.findall(self.template)

    def gateway_path(self, values: Mapping[str, str] | None = None) -> str:
        """The path through the gateway; parameters not in ``values`` get a fresh UUID."""
        given = values or {}
        path = _PARAM.sub(lambda m: given.get(m.group(1)) or str(uuid.uuid4()), self.template)
        return f"/api/{self.service}{path}"

    def __str__(self) -> str:
        return f"{self.method} /api/{self.service}{self.template}"


async def openapi_document(
    gateway: httpx.AsyncClient, service: str, headers: Mapping[str, str]
) -> dict[str, Any]:
    """The service's OpenAPI document through the gateway, which serves it to operations only:
    ``headers`` carry an ops or admin token."""
    answer = await gateway.get(f"/api/{service}/openapi.json", headers=headers)
    answer.raise_for_status()
    document: dict[str, Any] = answer.json()
    return document


def resolve(schema: Any, document: Mapping[str, Any], depth: int = 0) -> Any:
    """``schema`` with every local ``$ref`` replaced by what it points to (bounded depth)."""
    if depth > 20:
        return {}
    if isinstance(schema, dict):
        if isinstance(ref := schema.get("$ref"), str) and ref.startswith("#/"):
            target: Any = document
            for part in ref[2:].split("/"):
                target = target[part]
            return resolve(target, document, depth + 1)
        return {k: resolve(v, document, depth + 1) for k, v in schema.items()}
    if isinstance(schema, list):
        return [resolve(item, document, depth + 1) for item in schema]
    return schema


def routes(service: str, document: Mapping[str, Any], methods: tuple[str, ...]) -> list[Route]:
    found = []
    for template, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in methods:
                continue
            content = operation.get("requestBody", {}).get("content", {})
            media = next(iter(content), None)
            schema = resolve(content[media].get("schema", {}), document) if media else {}
            found.append(Route(service, method.upper(), template, media, schema))
    return found


async def write_routes(
    gateway: httpx.AsyncClient, service: str, headers: Mapping[str, str]
) -> list[Route]:
    """Every POST, PUT, PATCH and DELETE the service documents (``headers``: an ops token)."""
    return routes(service, await openapi_document(gateway, service, headers), WRITE_METHODS)
