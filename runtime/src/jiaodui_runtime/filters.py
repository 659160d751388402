"""WHERE clauses made of the filters a request actually gives: one statement per shape.

``($1::text IS NULL OR branch = $1)`` reads well but defeats prepared statements: after
five executions PostgreSQL may switch a statement to its generic plan, which cannot use
such a condition in an index and reads everything the other conditions leave (a whole
institution for one college's question). A statement built from the given filters alone
has its own prepared statement per shape (asyncpg caches each) and keeps its index paths.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

PLACEHOLDER = "$?"


@dataclass(frozen=True, slots=True)
class Where:
    """A condition (``true`` when no filter is given) and its arguments, in order."""

    sql: str
    args: tuple[object, ...]
    first_param: int = 1

    @property
    def next_param(self) -> int:
        """The number of the first parameter after these (for LIMIT, OFFSET...)."""
        return self.first_param + len(self.args)

    def param(self, offset: int = 0) -> str:
        """``$n`` for the parameter ``offset`` places after these."""
        return f"${self.next_param + offset}"


def where(conditions: Mapping[str, object | None], *, first_param: int = 1) -> Where:
    """``AND`` of the conditions whose value is not None. Each condition is SQL of ours
    (never input) with ``$?`` where its value goes (several times if need be); the values
    are numbered in turn from ``first_param``."""
    parts: list[str] = []
    args: list[object] = []
    for condition, value in conditions.items():
        if value is None:
            continue
        if PLACEHOLDER not in condition:
            raise ValueError(f"condition without {PLACEHOLDER}: {condition}")
        args.append(value)
        parts.append(f"({condition.replace(PLACEHOLDER, f'${first_param + len(args) - 1}')})")
    return Where(" AND ".join(parts) or "true", tuple(args), first_param)
