from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI, status
from jiaodui_runtime.errors import document_problems
from jiaodui_runtime.openapi_links import Link, LinkError, document_links
from pydantic import BaseModel


class ThingCreate(BaseModel):
    owner: str


class ThingCreated(BaseModel):
    thing_id: str
    token: str


class ThingRead(BaseModel):
    thing_id: str
    parts: list[ThingCreated]
    next: str | None = None


def app(*links: Link) -> FastAPI:
    app = FastAPI()

    @app.post("/things", status_code=status.HTTP_202_ACCEPTED)
    async def create(body: ThingCreate) -> ThingCreated:
        raise NotImplementedError

    @app.get("/things/{thing_id}")
    async def read(thing_id: str, cursor: str | None = None) -> ThingRead:
        raise NotImplementedError

    document_problems(app)
    document_links(app, links)
    return app


def links_of(document: dict[str, Any], path: str, method: str, code: str) -> dict[str, Any]:
    found: dict[str, Any] = document["paths"][path][method]["responses"][code]["links"]
    return found


READ = Link(
    name="ReadThing",
    source="POST /things",
    target="GET /things/{thing_id}",
    parameters={
        "path.thing_id": "$response.body#/thing_id",
        "header.Authorization": "Bearer {$response.body#/token}",
    },
    description="The thing just created",
)


def test_a_link_lands_under_the_success_answer_naming_the_target_by_operation_id() -> None:
    document = app(READ).openapi()
    assert links_of(document, "/things", "post", "202") == {
        "ReadThing": {
            "operationId": document["paths"]["/things/{thing_id}"]["get"]["operationId"],
            "parameters": dict(READ.parameters),
            "description": "The thing just created",
        }
    }
    assert "links" not in document["paths"]["/things"]["post"]["responses"]["4XX"]


def test_pointers_reach_through_refs_arrays_and_nullable_fields() -> None:
    nested = Link(
        name="Next",
        source="GET /things/{thing_id}",
        target="GET /things/{thing_id}",
        parameters={
            "path.thing_id": "$response.body#/parts/0/thing_id",
            "query.cursor": "$response.body#/next",
        },
    )
    body = Link(
        name="Again",
        source="POST /things",
        target="POST /things",
        request_body={"owner": "$request.body#/owner"},
    )
    document = app(nested, body).openapi()
    assert "Next" in links_of(document, "/things/{thing_id}", "get", "200")
    again = links_of(document, "/things", "post", "202")["Again"]
    assert again["requestBody"] == {"owner": "$request.body#/owner"}


def test_the_document_is_built_once_and_asked_again_unchanged() -> None:
    built = app(READ)
    assert built.openapi() is built.openapi()
    assert list(links_of(built.openapi(), "/things", "post", "202")) == ["ReadThing"]


@pytest.mark.parametrize(
    ("link", "complaint"),
    [
        (Link("X", "POST /nowhere", "GET /things/{thing_id}"), "no operation POST /nowhere"),
        (Link("X", "POST /things", "DELETE /things/{thing_id}"), "no operation DELETE"),
        (
            Link("X", "POST /things", "GET /things/{thing_id}", {"path.id": "$response.body#/a"}),
            "no path parameter 'id'",
        ),
        (
            Link("X", "POST /things", "GET /things/{thing_id}", {"thing_id": "$response.body#/a"}),
            "not <location>.<name>",
        ),
        (
            Link(
                "X",
                "POST /things",
                "GET /things/{thing_id}",
                {"path.thing_id": "$response.body#/thing"},
            ),
            "names nothing",
        ),
        (
            Link(
                "X",
                "POST /things",
                "GET /things/{thing_id}",
                {"header.Authorization": "Bearer {$response.body#/tokens}"},
            ),
            "names nothing",
        ),
        (
            Link(
                "X",
                "GET /things/{thing_id}",
                "GET /things/{thing_id}",
                {"path.thing_id": "$request.body#/owner"},
            ),
            "names nothing",
        ),
        (Link("X", "POST /things", "GET /things/{thing_id}", status="201"), "no 201 answer"),
    ],
)
def test_a_link_that_points_nowhere_fails_the_build(link: Link, complaint: str) -> None:
    with pytest.raises(LinkError, match=complaint):
        app(link).openapi()


def test_no_links_leave_the_document_as_it_was() -> None:
    document = app().openapi()
    assert all(
        "links" not in answer
        for operations in document["paths"].values()
        for operation in operations.values()
        for answer in operation["responses"].values()
    )
