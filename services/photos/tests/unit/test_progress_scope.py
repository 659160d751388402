"""GET /v1/stats reads one statement per scope shape: no ``$n IS NULL OR`` condition that a
generic plan could not put in an index."""

from __future__ import annotations

from typing import Any

import pytest
from jiaodui_photos.store import progress, views


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    async def fetch(self, sql: str, *args: Any) -> list[Any]:
        self.calls.append((sql, args))
        return []

    async def fetchval(self, sql: str, *args: Any) -> int:
        self.calls.append((sql, args))
        return 0


@pytest.mark.parametrize(
    ("institution", "college", "condition", "args"),
    [
        (None, None, "WHERE true)", ()),
        ("10001", None, "WHERE (institution_code = $1))", ("10001",)),
        ("10001", "信息", "WHERE (institution_code = $1) AND (branch = $2))", ("10001", "信息")),
        (None, "信息学院", "WHERE (branch = $1))", ("信息学院",)),
    ],
)
async def test_each_scope_shape_has_its_own_statement(
    institution: str | None, college: str | None, condition: str, args: tuple[str, ...]
) -> None:
    conn = Recorder()
    await progress.progress(conn, institution_code=institution, college=college)  # type: ignore[arg-type]
    [(sql, given)] = conn.calls
    assert condition in sql and "IS NULL OR" not in sql
    assert given == args


async def test_unlinked_count_names_the_institution_in_the_statement() -> None:
    conn = Recorder()
    await views.unlinked_count(conn, institution_code="10001")  # type: ignore[arg-type]
    await views.unlinked_count(conn, institution_code=None)  # type: ignore[arg-type]
    (one, one_args), (every, every_args) = conn.calls
    assert "institution_code = $1" in one and one_args == ("10001",)
    assert "$1" not in every and every_args == ()
