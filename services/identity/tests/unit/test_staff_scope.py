"""Which scope fits which staff role (creating and changing staff accounts)."""

from __future__ import annotations

import pytest
from jiaodui_identity.domain.accounts import staff_scope_problem


@pytest.mark.parametrize(
    ("role", "institution", "college", "problem"),
    [
        ("registrar", "10001", None, None),
        ("photographer", "10001", None, None),
        ("college_staff", "10001", "信息学院", None),
        ("support", None, None, None),
        ("ops", None, None, None),
        ("admin", None, None, None),
        ("registrar", None, None, "institution_required"),
        ("college_staff", "10001", None, "college_required"),
        ("college_staff", None, "信息学院", "institution_required"),
        ("registrar", "10001", "信息学院", "scope_not_applicable"),
        ("support", "10001", None, "scope_not_applicable"),
        ("admin", None, "信息学院", "scope_not_applicable"),
    ],
)
def test_each_role_has_its_own_scope(
    role: str, institution: str | None, college: str | None, problem: str | None
) -> None:
    assert staff_scope_problem(role, institution, college) == problem
