"""The access table (access_table.py) run against the stack: every route × every caller.

A denied cell must answer its status with its problem code; an allowed cell must get past
authentication and authorisation (every target exists, so no 404 either) without a 5xx.
A route in a service's OpenAPI document without a rule fails the suite."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import pytest_asyncio
from jiaodui_runtime.testing import StackEndpoints
from jiaodui_runtime.testing.fixtures import gateway_client
from jiaodui_runtime.testing.openapi import SERVICES, openapi_document, routes

from tests.security.access_requests import request_for
from tests.security.access_table import ALLOW, NOT_IN_OPENAPI, TABLE, Outcome, Role, Rule
from tests.security.access_world import World, build_world

pytestmark = [pytest.mark.integration]
ALL_METHODS = ("get", "post", "put", "patch", "delete")


@pytest_asyncio.fixture(scope="module")
async def world(stack: StackEndpoints) -> AsyncIterator[World]:
    async with gateway_client(stack) as client:
        yield await build_world(client, stack)


@dataclass(frozen=True, slots=True)
class Seen:
    status: int
    code: str | None
    problem: bool

    def matches(self, expected: Outcome) -> bool:
        if expected is ALLOW:  # every target exists: no 404 either, and never a 5xx
            return self.status not in (401, 403, 404) and self.status < 500
        return (self.status, self.code, self.problem) == (expected.status, expected.code, True)


async def call(world: World, rule: Rule, role: Role) -> Seen:
    spend = rule.spends_session and rule.cells[role] is ALLOW
    request = request_for(rule, world)
    caller = await world.fresh_headers(role) if spend else world.headers(role)
    request["headers"] = {**request.get("headers", {}), **caller}
    answer = await world.gateway.request(**request)
    problem = answer.headers.get("content-type", "").startswith("application/problem+json")
    return Seen(answer.status_code, answer.json().get("code") if problem else None, problem)


@pytest.mark.parametrize(
    "rule", TABLE, ids=lambda rule: f"{rule.service} {rule.method} {rule.path}"
)
async def test_access_rule(world: World, rule: Rule) -> None:
    """All callers at once; the cells that disagree must be exactly the known deviations."""
    seen = await asyncio.gather(*(call(world, rule, role) for role in Role))
    wrong = {
        role: f"expected {rule.cells[role] or 'allowed'}, got {got}"
        for role, got in zip(Role, seen, strict=True)
        if not got.matches(rule.cells[role])
    }
    unexplained = {role: why for role, why in wrong.items() if role not in rule.deviations}
    assert unexplained == {}
    fixed = sorted(set(rule.deviations) - set(wrong))
    assert fixed == [], "the code now follows DESIGN here: drop these deviations"


def test_the_table_has_one_rule_per_route_and_a_cell_per_caller() -> None:
    repeated = [key for key, n in Counter(rule.key for rule in TABLE).items() if n > 1]
    assert repeated == []
    assert all(set(rule.cells) == set(Role) for rule in TABLE)
    assert all(set(rule.deviations) <= set(rule.cells) for rule in TABLE)


async def test_every_documented_route_has_a_rule(world: World) -> None:
    documented = set()
    for service in SERVICES:
        document = await openapi_document(world.gateway, service, world.headers(Role.OPS))
        documented |= {
            (service, r.method, r.template) for r in routes(service, document, ALL_METHODS)
        }
    in_table = {rule.key for rule in TABLE if rule.path not in NOT_IN_OPENAPI}
    assert sorted(documented - in_table) == [], "routes without an access rule"
    assert sorted(in_table - documented) == [], "rules for routes no service documents"
