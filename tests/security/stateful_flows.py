"""The four services' flows for the stateful fuzzing: the operations their links join, who
calls them, and the realistic first request of a scenario."""

from __future__ import annotations

import itertools
import uuid
from datetime import date

from jiaodui_runtime.testing.accounts import PASSWORD, resident_id
from schemathesis import Case
from schemathesis.core.transport import Response

from tests.e2e.journey_steps import RECORD_COLUMNS, photo_archive
from tests.security.stateful_machine import Flow, NotYet, Scenario, has_bearer, mail_token
from tests.security.stateful_world import World, roster_row

_serial = itertools.count(1)  # distinct IDs and student numbers without the `random` module
REALNAME_BORN = date(2004, 6, 1)


def fresh_resident_id(born: date, gender: str) -> str:
    n = next(_serial)
    region = f"{1 + n % 6}{uuid.uuid4().int % 10**5:05d}"
    return resident_id(born, gender, region=region, seq=n % 50)


# identity: register → (the activation mail) → activate → real name; sessions stay out (a
# fuzzed login counts as a failed one against the one client IP every test shares)


def register(scenario: Scenario, case: Case) -> bool:
    address = f"stateful-{uuid.uuid4().hex[:12]}@example.edu.cn"
    case.body = {
        "email": address,
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "accept_terms": True,
    }
    return True


def registered(scenario: Scenario, case: Case, response: Response) -> None:
    if response.status_code == 202:
        token = mail_token(scenario.world, case.body["email"])
        scenario.notes.setdefault("activation", []).append(token)


def activate(scenario: Scenario, case: Case) -> bool:
    tokens = scenario.notes.get("activation")
    if not tokens:
        return False
    case.body = {"token": tokens.pop()}
    return True


def realname(scenario: Scenario, case: Case) -> bool:
    if not has_bearer(case):  # only for the account the activation link handed over
        return False
    case.body = {
        "name": "状态机",
        "gender": "female",
        "id_type": "resident_id",
        "id_number": fresh_resident_id(REALNAME_BORN, "female"),
        "birth_date": REALNAME_BORN.isoformat(),
        "province": "北京市",
        "city": "北京市",
        "consent_sensitive": True,
    }
    return True


IDENTITY = Flow(
    service="identity",
    operations=(
        "POST /v1/accounts",
        "POST /v1/accounts/activation-mail",
        "POST /v1/accounts/activate",
        "PUT /v1/me/realname",
        "GET /v1/me",
    ),
    caller=lambda world, case: "student" if case.operation.path.startswith("/v1/me") else None,
    realistic={
        "POST /v1/accounts": register,
        "POST /v1/accounts/activate": activate,
        "PUT /v1/me/realname": realname,
    },
    answered={"POST /v1/accounts": registered},
)


# records: import → its progress → the roster → a record; the student's records → print


def roster_csv(scenario: Scenario, case: Case) -> bool:
    world = scenario.world
    rows = [
        roster_row(
            world.institution,
            f"N{uuid.uuid4().hex[:9]}",
            f"导入{next(_serial)}",
            fresh_resident_id(date(2003, 4, 5), "male"),
        )
        for _ in range(2)
    ]
    case.body = "\n".join([RECORD_COLUMNS, *rows, ""])
    case.media_type = "text/csv"
    return True


RECORDS = Flow(
    service="records",
    operations=(
        "POST /v1/imports",
        "GET /v1/imports/{import_id}",
        "GET /v1/records",
        "GET /v1/records/{record_id}",
        "GET /v1/me/records",
        "GET /v1/me/records/{record_id}/printable",
        "GET /v1/me/records/{record_id}/collection-code",
    ),
    caller=lambda world, case: "student" if case.path.startswith("/v1/me/") else "registrar",
    realistic={"POST /v1/imports": roster_csv},
    unsettled={"GET /v1/imports/{import_id}": NotYet(200, body={"status": ("pending", "running")})},
)


# photos: batch → its files → the photo, which its student confirms or disputes

_kinds = itertools.cycle(("graduation", "admission"))


def batch(scenario: Scenario, case: Case) -> bool:
    world = scenario.world
    student = world.student
    manifest = (
        "file,kind,institution_code,name,id_type,id_number,student_number\n"
        f"g.jpg,{next(_kinds)},{world.institution},{student['name']},resident_id,"
        f"{student['id_number']},{student['student_number']}\n"
    )
    case.body = {"manifest": manifest.encode(), "archive": photo_archive()}
    return True


PHOTOS = Flow(
    service="photos",
    operations=(
        "POST /v1/batches",
        "GET /v1/batches/{batch_id}",
        "GET /v1/photos/{photo_id}/image",
        "POST /v1/photos/{photo_id}/confirm",
        "POST /v1/photos/{photo_id}/dispute",
        "GET /v1/me/photos",
    ),
    caller=lambda world, case: (
        "photographer"
        if case.path.startswith("/v1/batches") or case.path.endswith("/image")
        else "student"
    ),
    realistic={"POST /v1/batches": batch},
    unsettled={
        "GET /v1/batches/{batch_id}": NotYet(200, body={"status": ("processing",)}),
        # the machine checks (DESIGN §9) hold a fresh photo's answers for a moment (seconds
        # on a quiet stack; on a loaded one the walk goes on after 5 s, with a 409)
        "POST /v1/photos/{photo_id}/confirm": NotYet(409, "check_running", patience_s=5),
        "POST /v1/photos/{photo_id}/dispute": NotYet(409, "check_running", patience_s=5),
    },
)


# corrections: an erratum filed (by the record's student, or the office for another
# record of its college) → read → approved or rejected → read again

_records = itertools.count()


def erratum(scenario: Scenario, case: Case) -> bool:
    records = scenario.world.records
    case.body = {
        "record_id": records[next(_records) % len(records)],
        "items": [{"field": "major", "correct_value": "数据科学与大数据技术"}],
        "note": "状态机测试",
    }
    return True


def corrections_caller(world: World, case: Case) -> str:
    if case.operation.label == "POST /v1/errata":
        own = isinstance(case.body, dict) and case.body.get("record_id") == world.student_record
        return "student" if own else "college_staff"
    return "college_staff"


CORRECTIONS = Flow(
    service="corrections",
    operations=(
        "POST /v1/errata",
        "GET /v1/errata/{erratum_id}",
        "POST /v1/errata/{erratum_id}/approve",
        "POST /v1/errata/{erratum_id}/reject",
    ),
    caller=corrections_caller,
    realistic={"POST /v1/errata": erratum},
)

FLOWS = {flow.service: flow for flow in (IDENTITY, RECORDS, PHOTOS, CORRECTIONS)}
