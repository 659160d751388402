from __future__ import annotations

import asyncpg
import httpx
from fastapi import FastAPI
from jiaodui_runtime.errors import Problem, document_problems, install_problem_handlers
from jiaodui_runtime.middleware import RequestContextMiddleware
from pydantic import BaseModel


class Body(BaseModel):
    id_number: str
    age: int


def app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(RequestContextMiddleware)

    @app.post("/things")
    async def create(body: Body) -> dict[str, str]:
        if body.age < 0:
            raise Problem(409, "thing_conflict", "No.", thing="x")
        return {"ok": "yes"}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals 11010119900307123X")

    @app.get("/nul")
    async def nul() -> None:
        raise asyncpg.CharacterNotInRepertoireError('invalid byte sequence for encoding "UTF8"')

    @app.get("/db-away")
    async def db_away() -> None:
        raise asyncpg.CannotConnectNowError("the database system is starting up")

    @app.get("/slow")
    async def slow() -> None:
        raise TimeoutError  # what asyncpg raises when command_timeout runs out

    return app


async def call(method: str, path: str, **kwargs: object) -> httpx.Response:
    transport = httpx.ASGITransport(app=app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.request(method, path, **kwargs)  # type: ignore[arg-type]


async def test_problems_carry_status_code_and_extra_members() -> None:
    r = await call("POST", "/things", json={"id_number": "x", "age": -1})
    assert r.status_code == 409
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json() | {} == {
        "type": "https://jiaodui.example/problems/thing_conflict",
        "title": "Conflict",
        "status": 409,
        "code": "thing_conflict",
        "detail": "No.",
        "instance": "/things",
        "thing": "x",
    }
    assert r.headers["x-request-id"]


async def test_validation_errors_are_422_without_echoing_input() -> None:
    r = await call("POST", "/things", json={"id_number": "11010119900307123X", "age": "old"})
    assert r.status_code == 422
    assert r.json()["code"] == "validation_failed"
    assert r.json()["errors"][0]["loc"] == ["body", "age"]
    assert "11010119900307123X" not in r.text and "old" not in r.text


async def test_malformed_json_is_422_and_unknown_routes_404_problems() -> None:
    r = await call("POST", "/things", content=b"{", headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["code"] == "validation_failed"
    r = await call("GET", "/nowhere")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = await call("DELETE", "/things")
    assert r.status_code == 405 and r.json()["code"] == "method_not_allowed"


async def test_unexpected_errors_are_a_bare_500_problem() -> None:
    r = await call("GET", "/boom")
    assert r.status_code == 500
    assert r.json()["code"] == "internal_error"
    assert "secret" not in r.text


async def test_request_id_is_echoed_when_given() -> None:
    r = await call(
        "POST", "/things", json={"id_number": "x", "age": 1}, headers={"X-Request-ID": "abc"}
    )
    assert r.headers["x-request-id"] == "abc"


async def test_text_the_database_cannot_store_is_a_422() -> None:
    r = await call("GET", "/nul")
    assert (r.status_code, r.json()["code"]) == (422, "invalid_characters")


def test_the_openapi_document_describes_errors_as_problems() -> None:
    documented = app()
    document_problems(documented)
    operation = documented.openapi()["paths"]["/things"]["post"]
    assert "422" not in operation["responses"]
    schema = operation["responses"]["4XX"]["content"]["application/problem+json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/Problem"}
    assert "HTTPValidationError" not in documented.openapi()["components"]["schemas"]


async def test_an_unreachable_database_is_a_503_with_retry_after() -> None:
    answer = await call("GET", "/db-away")
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "2"
    assert answer.json()["code"] == "database_unavailable"


async def test_a_timed_out_statement_is_a_503_with_retry_after_not_a_500() -> None:
    r = await call("GET", "/slow")
    assert r.status_code == 503
    assert r.headers["retry-after"] == "5"
    assert r.json()["code"] == "timeout"
