"""RFC 9457 problem responses with stable machine-readable codes.

Routes and handlers raise :class:`Problem` (or a subclass); validation errors and
unexpected exceptions are turned into problems too, so bad input is never a 500.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import asyncpg
import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from jiaodui_runtime.db import DATABASE_AWAY, database_away
from jiaodui_runtime.logging import get_logger

PROBLEM_JSON = "application/problem+json"
_log = get_logger(__name__)


class Problem(Exception):
    """A client-visible error: HTTP status, stable ``code``, human detail, extra members."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str | None = None,
        *,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or code)
        self.status = status
        self.code = code
        self.title = title or HTTPStatus(status).phrase
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra

    def body(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": f"https://jiaodui.example/problems/{self.code}",
            "title": self.title,
            "status": self.status,
            "code": self.code,
        }
        if self.detail:
            body["detail"] = self.detail
        if instance:
            body["instance"] = instance
        body.update(self.extra)
        return body


class ProblemResponse(Response):
    media_type = PROBLEM_JSON

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def problem_response(problem: Problem, request: Request | None = None) -> ProblemResponse:
    instance = request.url.path if request is not None else None
    return ProblemResponse(
        problem.body(instance), status_code=problem.status, headers=problem.headers
    )


_STATUS_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
}


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    # Never echo the input back: it may be a password or an ID number.
    return [
        {
            "loc": [str(p) for p in err.get("loc", ())],
            "type": err.get("type"),
            "msg": err.get("msg"),
        }
        for err in exc.errors()
    ]


def install_problem_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every error into ``application/problem+json``."""

    async def on_problem(request: Request, exc: Exception) -> ProblemResponse:
        assert isinstance(exc, Problem)
        return problem_response(exc, request)

    async def on_http(request: Request, exc: Exception) -> ProblemResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = _STATUS_CODES.get(exc.status_code, "http_error")
        detail = exc.detail if isinstance(exc.detail, str) else None
        return problem_response(
            Problem(exc.status_code, code, detail, headers=dict(exc.headers or {})), request
        )

    async def on_validation(request: Request, exc: Exception) -> ProblemResponse:
        assert isinstance(exc, RequestValidationError)
        return problem_response(
            Problem(
                422,
                "validation_failed",
                "The request is not valid.",
                errors=_validation_errors(exc),
            ),
            request,
        )

    async def on_unstorable_text(request: Request, exc: Exception) -> ProblemResponse:
        # only client input carries text PostgreSQL cannot store (a NUL character): the
        # statement failed as a whole, so nothing of it was written
        return problem_response(
            Problem(
                422, "invalid_characters", "The request holds characters that are not allowed."
            ),
            request,
        )

    async def on_database_away(request: Request, exc: Exception) -> ProblemResponse:
        _log.warning("database_unavailable", path=request.url.path, error=repr(exc))
        return problem_response(
            Problem(
                503,
                "database_unavailable",
                "The service cannot reach its database just now; try again shortly.",
                headers={"Retry-After": "2"},
            ),
            request,
        )

    async def on_timeout(request: Request, exc: Exception) -> ProblemResponse:
        # asyncpg's command_timeout (and any asyncio deadline) ran out: the work was too slow
        # for this moment (a burst, a cold cache), not wrong; the transaction was rolled back
        _log.warning("request_timed_out", path=request.url.path)
        return problem_response(
            Problem(
                503,
                "timeout",
                "The service did not finish in time; try again shortly.",
                headers={"Retry-After": "5"},
            ),
            request,
        )

    async def on_unexpected(request: Request, exc: Exception) -> ProblemResponse:
        _log.exception("unhandled_error", path=request.url.path)
        return problem_response(Problem(500, "internal_error", "Something went wrong."), request)

    async def on_interface_error(request: Request, exc: Exception) -> ProblemResponse:
        # a connection that died under the request (see database_away), or a real bug
        if database_away(exc):
            return await on_database_away(request, exc)
        return await on_unexpected(request, exc)

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    for unstorable in (asyncpg.CharacterNotInRepertoireError, asyncpg.UntranslatableCharacterError):
        app.add_exception_handler(unstorable, on_unstorable_text)
    for away in DATABASE_AWAY:
        app.add_exception_handler(away, on_database_away)
    app.add_exception_handler(asyncpg.InterfaceError, on_interface_error)
    app.add_exception_handler(TimeoutError, on_timeout)
    app.add_exception_handler(Exception, on_unexpected)


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
    },
}


def document_problems(app: FastAPI) -> None:
    """Make the OpenAPI document say what errors really look like: every 4xx answer (422
    included, which FastAPI would describe as its own ``HTTPValidationError``) is a problem."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = generate()
        document.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        problem = {
            "description": "A problem (RFC 9457) with a stable `code`",
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                responses.pop("422", None)
                responses["4XX"] = problem
        for unused in ("HTTPValidationError", "ValidationError"):
            document["components"]["schemas"].pop(unused, None)
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
