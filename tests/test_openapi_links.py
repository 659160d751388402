"""Every service that declares its flows as OpenAPI links serves them in its document
(built without I/O, as the front-end's type generation builds it); a link that points
nowhere fails the build itself (jiaodui_runtime.openapi_links)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from fastapi import FastAPI
from jiaodui_corrections.bootstrap import create_corrections_app
from jiaodui_corrections.entrypoints import links as corrections_links
from jiaodui_identity.bootstrap import create_identity_app
from jiaodui_identity.entrypoints import links as identity_links
from jiaodui_photos.bootstrap import create_photos_app
from jiaodui_photos.entrypoints import links as photos_links
from jiaodui_records.bootstrap import create_records_app
from jiaodui_records.entrypoints import links as records_links
from jiaodui_runtime.openapi_links import Link


def served(document: dict[str, Any]) -> set[tuple[str, str]]:
    """(source "METHOD /path", link name) of every link in the document."""
    return {
        (f"{method.upper()} {path}", name)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for answer in operation["responses"].values()
        for name in answer.get("links", {})
    }


@pytest.mark.parametrize(
    ("build", "declared"),
    [
        (create_identity_app, identity_links.LINKS),
        (create_records_app, records_links.LINKS),
        (create_photos_app, photos_links.LINKS),
        (create_corrections_app, corrections_links.LINKS),
    ],
    ids=["identity", "records", "photos", "corrections"],
)
def test_the_document_carries_the_declared_flows(
    build: Callable[[], FastAPI], declared: Sequence[Link]
) -> None:
    assert served(build().openapi()) == {(link.source, link.name) for link in declared}
