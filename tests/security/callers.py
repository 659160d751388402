"""One throwaway account per role, and which of them a route lets past its access check
(shared by the hostile-input and fuzzing suites)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx
from jiaodui_runtime.testing import StackEndpoints
from jiaodui_runtime.testing.accounts import (
    admin_credentials,
    create_staff,
    log_in,
    register_and_activate,
)

STAFF_ROLES = ("registrar", "photographer", "college_staff", "support", "ops")
COLLEGE = "信息学院"


@dataclass(frozen=True)
class Callers:
    institution: str
    headers: dict[str, dict[str, str]]  # role → Authorization header, student first

    @property
    def path_values(self) -> dict[str, str]:
        """Path parameters that put a route inside the staff accounts' scope."""
        return {"institution_code": self.institution, "cohort": "2026"}


async def make_callers(gateway: httpx.AsyncClient, stack: StackEndpoints) -> Callers:
    institution = f"H{uuid.uuid4().hex[:8]}"
    headers = {"student": (await register_and_activate(gateway, stack)).headers}
    for role in STAFF_ROLES:
        staff = await create_staff(
            gateway,
            stack,
            role=role,
            institution_code=None if role in ("support", "ops") else institution,
            college=COLLEGE if role == "college_staff" else None,
        )
        headers[role] = staff.headers
    admin = await log_in(gateway, *admin_credentials(stack))
    headers["admin"] = {"Authorization": f"Bearer {admin}"}
    return Callers(institution, headers)


async def fitting_role(gateway: httpx.AsyncClient, method: str, path: str, who: Callers) -> str:
    """The first role the route lets past its access check (student when none does)."""
    body = None if method == "GET" else {}
    for role, headers in who.headers.items():
        answer = await gateway.request(method, path, json=body, headers=headers)
        if answer.status_code not in (401, 403):
            return role
    return "student"
