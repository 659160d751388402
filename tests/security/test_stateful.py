"""Stateful fuzzing: schemathesis walks each service's OpenAPI links (register → activate →
real name, import → record, batch → photo → confirm, erratum → approve) through the
gateway with real callers, drawing every request it does not take from a link; no answer
may be a 5xx and every answer the document describes must match its schema.

A few short scenarios per service here; JIAODUI_STATEFUL_EXAMPLES (scenarios) and
JIAODUI_STATEFUL_STEPS (calls per scenario), or JIAODUI_FUZZ_LONG=1, for a longer walk."""

from __future__ import annotations

import asyncio
import os
import time
import warnings
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
import pytest_asyncio
from hypothesis import HealthCheck, Phase, settings
from hypothesis.errors import FlakyFailure, FlakyStrategyDefinition
from jiaodui_runtime.testing import StackEndpoints
from jiaodui_runtime.testing.fixtures import gateway_client
from jiaodui_runtime.testing.openapi import openapi_document
from schemathesis.engine.errors import is_inconsistent_replay
from schemathesis.generation.stateful import run_state_machine_as_test
from schemathesis.generation.stateful.state_machine import APIStateMachine

from tests.security.callers import Callers
from tests.security.stateful_flows import FLOWS
from tests.security.stateful_machine import Seen, walker
from tests.security.stateful_world import World, make_world

pytestmark = pytest.mark.integration
LONG = os.environ.get("JIAODUI_FUZZ_LONG") == "1"
SCENARIOS = int(os.environ.get("JIAODUI_STATEFUL_EXAMPLES", "60" if LONG else "6"))
STEPS = int(os.environ.get("JIAODUI_STATEFUL_STEPS", "12" if LONG else "6"))
SESSIONS = 5  # fresh hypothesis sessions after a replay went astray (see walk)


@pytest_asyncio.fixture(scope="module")
async def world(stack: StackEndpoints) -> AsyncIterator[World]:
    async with gateway_client(stack) as gateway:
        yield await make_world(gateway, stack)


def session(machine: type[APIStateMachine], scenarios: int, derandomize: bool) -> None:
    with warnings.catch_warnings():
        # see test_schemathesis: the event loop's thread draws random IDs meanwhile
        warnings.filterwarnings("ignore", message="Do not use the `random` module inside")
        run_state_machine_as_test(
            machine,
            settings=settings(
                max_examples=scenarios,
                stateful_step_count=STEPS,
                deadline=None,
                database=None,
                derandomize=derandomize,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            ),
        )


def walk(machine: type[APIStateMachine], scenarios_run: Callable[[], int]) -> str:
    """What went wrong, or "" when every answer passed the checks."""
    for attempt in range(SESSIONS):
        try:
            session(machine, SCENARIOS - scenarios_run(), derandomize=not LONG and attempt == 0)
        except FlakyFailure as failure:
            causes = "; ".join(f"{type(c).__name__}: {c}" for c in failure.exceptions)
            print(f"not reproducible: {causes}")
        except (Exception, BaseExceptionGroup) as failure:
            if isinstance(failure, FlakyStrategyDefinition) or is_inconsistent_replay(failure):
                # hypothesis replayed a prefix of a scenario and the server, whose state has
                # moved on, made it draw differently; go on in a fresh session, as
                # schemathesis's own runner does
                print(f"session {attempt + 1} ended by a replay the server's state changed")
                if scenarios_run() < SCENARIOS:
                    continue
                return ""
            return f"{type(failure).__name__}: {failure}"[:6000]
        return ""
    return ""


@pytest.mark.parametrize("service", sorted(FLOWS))
async def test_the_linked_flows_answer_as_documented(
    service: str,
    world: World,
    gateway: httpx.AsyncClient,
    stack: StackEndpoints,
    callers: Callers,
) -> None:
    assert stack.gateway_url is not None
    flow = FLOWS[service]
    document = await openapi_document(gateway, service, callers.headers["ops"])
    seen: Seen = Seen()
    machine = walker(document, f"{stack.gateway_url}/api/{service}", flow, world, seen)
    started = time.monotonic()
    failure = await asyncio.to_thread(walk, machine, lambda: machine.scenarios)
    print(f"{service}: {sum(seen.values())} calls in {time.monotonic() - started:.1f}s")
    for (label, status, code, realistic), count in sorted(seen.items()):
        print(f"  {count:4d} × {label} {status} {code}{' (realistic)' if realistic else ''}")
    print(failure)  # now, not only at the end of a long session
    assert not failure, failure
    # the control: the walk got past validation into the flow (a realistic first request
    # answered 2xx), or checking its answers would prove little
    assert any(realistic and 200 <= status < 300 for _, status, _, realistic in seen), seen
