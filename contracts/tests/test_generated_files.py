"""The committed schemas and AsyncAPI document match the models, and stay compatible."""

from __future__ import annotations

import json

import pytest
from jiaodui_contracts.compat import breaking_changes
from jiaodui_contracts.generate import CONTRACTS_DIR, rendered

PUBLISHED = CONTRACTS_DIR / "published" / "1.0.0"


def test_committed_files_match_the_models() -> None:
    stale = [
        str(path.relative_to(CONTRACTS_DIR))
        for path, text in rendered().items()
        if not path.exists() or path.read_text() != text
    ]
    assert not stale, f"run `make contracts` and commit: {stale}"


def test_no_committed_schema_is_orphaned() -> None:
    expected = {p.name for p in rendered() if p.parent.name == "schemas"}
    assert {p.name for p in (CONTRACTS_DIR / "schemas").glob("*.json")} == expected


@pytest.mark.parametrize("published", sorted(PUBLISHED.glob("*.json")), ids=lambda p: p.name)
def test_every_published_contract_still_exists_without_breaking_changes(published: object) -> None:
    path = published  # a pathlib.Path
    current = CONTRACTS_DIR / "schemas" / path.name  # type: ignore[attr-defined]
    assert current.exists(), f"{path.name} was published and must stay (ship a .v2 beside it)"  # type: ignore[attr-defined]
    old = json.loads(path.read_text())  # type: ignore[attr-defined]
    new = json.loads(current.read_text())
    assert breaking_changes(old, new) == []
