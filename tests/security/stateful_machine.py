"""schemathesis's state machine over one service's OpenAPI links, with real callers.

schemathesis builds the rules from the links the service documents (jiaodui_runtime
.openapi_links); this subclass adds what a document cannot say: who calls each operation
(a student's or a staff member's token, or the bearer a link carried), a realistic first
request per operation and scenario (a roster CSV, a photo batch for the student's record,
the activation token from the mail sink) so flows get past validation and into the
states behind it, and patience with answers still in progress (an import or a batch being
processed is asked again until it settles). Every answer is checked: no 5xx, and what the
document describes must match its schema."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from jiaodui_runtime.testing import eventually
from jiaodui_runtime.testing.sinks import link_token, mails_to
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.config._phases import InferenceConfig
from schemathesis.core.transport import Response
from schemathesis.generation.stateful.state_machine import APIStateMachine
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.security.stateful_world import World

CHECKS = [not_a_server_error, response_schema_conformance]

Realistic = Callable[["Scenario", Case], bool]  # rewrote the case into a realistic request
Answered = Callable[["Scenario", Case, Response], None]


@dataclass
class Scenario:
    """What one scenario (one run of the machine) has learnt so far."""

    world: World
    realistic_done: set[str] = field(default_factory=set)
    realistic_cases: set[str] = field(default_factory=set)  # ids of rewritten cases
    notes: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Flow:
    """How one service's flows are walked."""

    service: str
    operations: tuple[str, ...]  # labels ("POST /v1/batches") the machine may call
    caller: Callable[[World, Case], str | None]  # the role whose token a call carries
    realistic: Mapping[str, Realistic] = field(default_factory=dict)
    answered: Mapping[str, Answered] = field(default_factory=dict)
    # answers that say "not yet" (an import running, a photo's checks running): asked again
    unsettled: Mapping[str, NotYet] = field(default_factory=dict)


def has_bearer(case: Case) -> bool:
    return any(name.lower() == "authorization" for name in case.headers or {})


def is_positive(case: Case) -> bool:
    meta = case.meta
    return meta is None or meta.generation.mode.is_positive


Seen = Counter[tuple[str, int, str, bool]]  # (operation, status, problem code, realistic)


@dataclass(frozen=True)
class NotYet:
    """An answer that says "not yet": HTTP status ``answer``, problem ``code`` (when given)
    and, for each ``body`` key, one of the values listed; asked again for ``patience_s``."""

    answer: int
    code: str = ""
    body: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    patience_s: float = 20.0

    def __call__(self, response: Response) -> bool:
        if response.status_code != self.answer:
            return False
        if self.code and problem_code(response) != self.code:
            return False
        document = response.json() if self.body else {}
        return all(document.get(key) in values for key, values in self.body.items())


def problem_code(response: Response) -> str:
    if not response.headers.get("content-type", [""])[0].startswith("application/problem+json"):
        return ""
    try:
        return str(response.json().get("code", ""))
    except ValueError:
        return ""


def walker(
    document: dict[str, Any], base_url: str, flow: Flow, world: World, seen: Seen
) -> type[APIStateMachine]:
    """The state machine class for ``flow`` over ``document``, counting answers in ``seen``."""
    schema = schemathesis.openapi.from_dict(document).include(name=list(flow.operations))
    schema.config.update(base_url=base_url)
    # only the links the service declares: inferred ones would spread over every operation
    schema.config.phases.stateful.inference = InferenceConfig(algorithms=[])
    base = schema.as_state_machine()

    class Walker(base):  # type: ignore[misc,valid-type]
        scenarios = 0  # scenarios started, over every hypothesis session

        def setup(self) -> None:
            type(self).scenarios += 1
            self.scenario = Scenario(world)

        def before_call(self, case: Case) -> None:
            label = case.operation.label
            rewrite = flow.realistic.get(label)
            if (
                rewrite is not None
                and is_positive(case)
                and label not in self.scenario.realistic_done
                and rewrite(self.scenario, case)
            ):
                self.scenario.realistic_done.add(label)
                self.scenario.realistic_cases.add(case.id)

        def get_call_kwargs(self, case: Case) -> dict[str, Any]:
            role = None if has_bearer(case) else flow.caller(world, case)
            return {"headers": dict(world.headers[role]) if role else {}, "timeout": 30}

        def call(self, case: Case, **kwargs: Any) -> Response:
            response = case.call(**kwargs)
            still = flow.unsettled.get(case.operation.label)
            if still is None:
                return response
            latest = [response]

            def settled() -> bool:
                if not still(latest[-1]):
                    return True
                latest.append(case.call(**kwargs))
                return False

            # a busy stack may queue an import for minutes: the walk goes on with what the
            # last answer says (only that one is checked)
            polled = eventually(
                lambda: asyncio.to_thread(settled), timeout_s=still.patience_s, interval_s=0.2
            )
            with contextlib.suppress(AssertionError):
                asyncio.run(polled)
            return latest[-1]

        def after_call(self, response: Response, case: Case) -> None:
            super().after_call(response, case)
            label = case.operation.label
            realistic = case.id in self.scenario.realistic_cases
            seen[label, response.status_code, problem_code(response), realistic] += 1
            if realistic and (answered := flow.answered.get(label)) is not None:
                answered(self.scenario, case, response)

        def validate_response(
            self,
            response: Response,
            case: Case,
            additional_checks: Any = None,
            **kwargs: Any,
        ) -> None:
            case.validate_response(
                response, checks=CHECKS, transport_kwargs=kwargs or None, recorder=self.recorder
            )

    Walker.__name__ = f"{flow.service.capitalize()}Flows"
    return Walker


def mail_token(world: World, address: str) -> str:
    """The activation token the mail sink received for ``address`` (waits for the mail)."""

    async def arrived() -> str | None:
        mails = await asyncio.to_thread(mails_to, world.mail_dir, address)
        return link_token(mails[-1]) if mails else None

    return asyncio.run(eventually(arrived, timeout_s=120, interval_s=0.25, what="activation"))
