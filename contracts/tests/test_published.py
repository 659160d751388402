"""Every published contract still exists, without breaking changes."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jiaodui_contracts.compat import breaking_changes, load_schemas
from jiaodui_contracts.generate import CONTRACTS_DIR, VERSION, schemas

PUBLISHED_ROOT = CONTRACTS_DIR / "published"
RELEASES = sorted(p for p in PUBLISHED_ROOT.iterdir() if p.is_dir())
PUBLISHED = [(release, name) for release in RELEASES for name in load_schemas(release)]


@cache
def current() -> dict[str, dict[str, Any]]:
    return schemas()


def test_the_current_release_is_published() -> None:
    assert PUBLISHED_ROOT / VERSION in RELEASES


@pytest.mark.parametrize(
    ("release", "name"), PUBLISHED, ids=[f"{r.name}/{n}" for r, n in PUBLISHED]
)
def test_published_contract_still_exists_without_breaking_changes(release: Path, name: str) -> None:
    assert name in current(), f"{name} was published in {release.name}: keep it, add a .v2 beside"
    old = load_schemas(release)[name]
    assert breaking_changes(old, current()[name]) == []
