"""OpenAPI links (OAS 3.1 Link Objects): which answer's values feed which next call.

A service declares its main flows as :class:`Link` values beside its routes and hands them
to :class:`~jiaodui_runtime.service.ServiceDefinition`; :func:`document_links` writes them
into the generated document. Operations are named by method and path (``"POST
/v1/batches"``) and the document carries the target's ``operationId``, so a renamed handler
keeps its links; a link that points nowhere (an unknown operation, a path parameter the
target lacks, a JSON pointer outside the source's schemas) fails the document's build,
which every service's unit tests and ``npm run check:api`` do.

Clients and stateful fuzzers (schemathesis) follow the links: ``POST /v1/batches`` → 202
``{batch_id}`` → ``GET /v1/batches/{batch_id}``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI

_EMBEDDED = re.compile(r"{(\$[^}]+)}")
_LOCATIONS = ("path", "query", "header", "cookie")


class LinkError(ValueError):
    """A declared link that the document cannot carry (a typo in a service's flows)."""


@dataclass(frozen=True, slots=True)
class Link:
    """After ``source`` answers ``status``, ``target`` can be called with ``parameters``
    (``"path.batch_id": "$response.body#/batch_id"``; header values may embed an expression:
    ``"Bearer {$response.body#/access_token}"``) and ``request_body`` (a value whose strings
    may be expressions). ``status`` defaults to the one 2xx the source documents."""

    name: str
    source: str
    target: str
    parameters: Mapping[str, str] = field(default_factory=dict)
    request_body: Any = None
    status: str | None = None
    description: str = ""


def document_links(app: FastAPI, links: Sequence[Link]) -> None:
    """Make ``app``'s OpenAPI document carry ``links`` (call after the routes are included)."""
    if not links:
        return
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        # the document is built once and cached by FastAPI; writing the same links again
        # is a no-op, so no flag is needed
        return add_links(generate(), links)

    app.openapi = openapi  # type: ignore[method-assign]


def add_links(document: dict[str, Any], links: Sequence[Link]) -> dict[str, Any]:
    """``document`` with each link under its source's answer (changed in place, returned)."""
    for link in links:
        source = _operation(document, link.source, link)
        target = _operation(document, link.target, link)
        status = link.status or _success_status(source, link)
        answer = source.get("responses", {}).get(status)
        if answer is None:
            raise LinkError(f"{link.name}: {link.source} documents no {status} answer")
        operation_id = target.get("operationId")
        if not operation_id:
            raise LinkError(f"{link.name}: {link.target} has no operationId")
        _check_parameters(document, link, source, target, answer)
        declared: dict[str, Any] = {"operationId": operation_id}
        if link.parameters:
            declared["parameters"] = dict(link.parameters)
        if link.request_body is not None:
            _check_expressions(document, link, link.request_body, source, answer)
            declared["requestBody"] = link.request_body
        if link.description:
            declared["description"] = link.description
        answer.setdefault("links", {})[link.name] = declared
    return document


def _operation(document: Mapping[str, Any], where: str, link: Link) -> dict[str, Any]:
    method, _, path = where.partition(" ")
    operation = document.get("paths", {}).get(path, {}).get(method.lower())
    if not isinstance(operation, dict):
        raise LinkError(f"{link.name}: no operation {where}")
    return operation


def _success_status(operation: Mapping[str, Any], link: Link) -> str:
    found: list[str] = [code for code in operation.get("responses", {}) if code.startswith("2")]
    if len(found) != 1:
        raise LinkError(f"{link.name}: name the status of {link.source} (2xx answers: {found})")
    return found[0]


def _check_parameters(
    document: Mapping[str, Any],
    link: Link,
    source: Mapping[str, Any],
    target: Mapping[str, Any],
    answer: Mapping[str, Any],
) -> None:
    declared = {(p.get("in"), p.get("name")) for p in target.get("parameters", [])}
    for key, expression in link.parameters.items():
        location, _, name = key.partition(".")
        if location not in _LOCATIONS or not name:
            raise LinkError(f"{link.name}: parameter {key!r} is not <location>.<name>")
        # a header may be one the target does not declare (Authorization: the bearer scheme)
        if location != "header" and (location, name) not in declared:
            raise LinkError(f"{link.name}: {link.target} has no {location} parameter {name!r}")
        _check_expressions(document, link, expression, source, answer)


def _check_expressions(
    document: Mapping[str, Any],
    link: Link,
    value: Any,
    source: Mapping[str, Any],
    answer: Mapping[str, Any],
) -> None:
    """Every ``$response.body#/…`` and ``$request.body#/…`` pointer names a property the
    source's answer or request body declares."""
    if isinstance(value, Mapping):
        for item in value.values():
            _check_expressions(document, link, item, source, answer)
        return
    if isinstance(value, list):
        for item in value:
            _check_expressions(document, link, item, source, answer)
        return
    if not isinstance(value, str):
        return
    for expression in _EMBEDDED.findall(value) or [value]:
        for prefix, carrier in (("$response.body#", answer), ("$request.body#", source)):
            if expression.startswith(prefix):
                pointer = expression[len(prefix) :]
                if not _declares(document, _json_schema(carrier), pointer):
                    raise LinkError(f"{link.name}: {expression} names nothing {link.source} has")


def _json_schema(carrier: Mapping[str, Any]) -> Any:
    """The JSON schema of an answer or of an operation's request body (None: not JSON)."""
    content = carrier.get("requestBody", carrier).get("content", {})
    return content.get("application/json", {}).get("schema")


def _declares(document: Mapping[str, Any], schema: Any, pointer: str) -> bool:
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    return _walk(document, schema, parts, depth=0)


def _walk(document: Mapping[str, Any], schema: Any, parts: list[str], depth: int) -> bool:
    if not isinstance(schema, Mapping) or depth > 32:
        return False
    if isinstance(ref := schema.get("$ref"), str) and ref.startswith("#/"):
        target: Any = document
        for step in ref[2:].split("/"):
            target = target.get(step, {}) if isinstance(target, Mapping) else {}
        return _walk(document, target, parts, depth + 1)
    if not parts:
        return True
    for option in (*schema.get("anyOf", ()), *schema.get("oneOf", ()), *schema.get("allOf", ())):
        if _walk(document, option, parts, depth + 1):
            return True
    head, rest = parts[0], parts[1:]
    if head in schema.get("properties", {}):
        return _walk(document, schema["properties"][head], rest, depth + 1)
    if head.isdigit() and "items" in schema:
        return _walk(document, schema["items"], rest, depth + 1)
    return False
