"""The request each rule of the table sends: well-formed where a scope check needs a real
target, and otherwise made to stop at validation (422) once authorisation has passed, so
that allowed cells change nothing that other cells depend on."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from jiaodui_runtime.testing.accounts import resident_id

from tests.security.access_table import Rule
from tests.security.access_world import BORN, COLLEGE, World, roster


def _backwards_window() -> dict[str, str]:
    """Typed right, ordered wrong: refused (422) only after the scope check."""
    now = datetime.now(UTC)
    until, start, end = now + timedelta(days=7), now + timedelta(days=8), now + timedelta(days=7.5)
    return {"confirm_until": str(until), "recheck_from": str(start), "recheck_until": str(end)}


def _realname() -> dict[str, Any]:
    return {
        "name": "林晓", "gender": "female", "id_type": "resident_id",
        "id_number": resident_id(BORN, "female"), "birth_date": BORN.isoformat(),
        "province": "北京市", "city": "北京市", "consent_sensitive": True,
    }  # fmt: skip


def _bodies(world: World) -> dict[tuple[str, str, str], dict[str, Any]]:
    scope = {"params": {"institution_code": world.institution, "college": COLLEGE}}
    other = f"S-{uuid.uuid4().hex[:8]}"
    csv = roster(world.institution, other, "路人甲", resident_id(BORN, "female"))
    return {
        ("identity", "PATCH", "/v1/me"): {"json": {"nickname": "矩阵"}},
        ("identity", "PUT", "/v1/me/realname"): {"json": _realname()},
        ("identity", "POST", "/v1/sms-codes"): {"json": {"phone": "not-a-phone"}},
        ("identity", "PATCH", "/v1/staff/{account_id}"): {"json": {"institution_code": ""}},
        ("records", "POST", "/v1/imports"): {
            "content": csv,
            "headers": {"Content-Type": "text/csv"},
        },
        ("records", "GET", "/v1/imports"): {"params": {"institution_code": world.institution}},
        ("records", "GET", "/v1/records"): scope,
        ("records", "GET", "/v1/progress"): scope,
        ("photos", "GET", "/v1/stats"): scope,
        ("photos", "GET", "/v1/reviews"): scope,
        # the owner's photo passed its checks: a decision on it is a 409, nothing changes
        ("photos", "POST", "/v1/reviews/{photo_id}/recapture"): {"json": {"reason": "矩阵"}},
        ("photos", "GET", "/v1/batches"): scope,
        ("photos", "GET", "/v1/windows"): scope,
        ("photos", "GET", "/v1/photos"): scope,
        ("photos", "PUT", "/v1/windows/{institution_code}/{cohort}"): {"json": _backwards_window()},
        ("photos", "POST", "/v1/photos/{photo_id}/dispute"): {"json": {"reason": "不是我"}},
        ("corrections", "POST", "/v1/errata"): {
            "json": {
                "record_id": world.ids["record_id"],
                "items": [{"field": "class_name", "correct_value": "2班"}],
            }
        },
        ("corrections", "GET", "/v1/errata"): scope,
        ("subscriptions", "POST", "/v1/subscribers"): {
            "json": {
                "name": "矩阵",
                "owner_email": "o@campus.example.edu.cn",
                "url": "http://127.0.0.1:9/hook",
                "institution_code": world.institution,
                "event_types": ["jiaodui.photos.PhotoConfirmed.v1"],
            }
        },
        ("subscriptions", "PATCH", "/v1/subscribers/{subscriber_id}"): {"json": {"enabled": True}},
        ("subscriptions", "POST", "/v1/subscribers/{subscriber_id}/replay"): {
            "json": {"since": str(datetime.now(UTC) - timedelta(hours=1))}
        },
        ("reports", "POST", "/v1/me/reports/{report_id}/extend"): {"json": {"months": 1}},
        ("corrections", "POST", "/v1/errata/{erratum_id}/reject"): {"json": {"reason": "矩阵"}},
        ("corrections", "PUT", "/v1/windows/{institution_code}/{cohort}"): {
            "json": _backwards_window()
        },
    }


def _case_body(rule: Rule) -> dict[str, Any]:
    if "/identity-" not in rule.path:
        return {}
    if rule.path.endswith("/approve"):
        return {"json": {"reason": "x" * 501}}  # too long: 422, the case stays open
    if rule.path.endswith("/reject"):
        return {"json": {"reason": " "}}  # blank: 422
    return {}


def request_for(rule: Rule, world: World) -> dict[str, Any]:
    """Keyword arguments for ``httpx.AsyncClient.request``, without the caller's token."""
    ids = dict(world.ids)
    ids.setdefault("report_id", str(uuid.uuid4()))  # no such report (see access_table)
    ids.setdefault("code", "ABCD-EFGH-JKMN-PQRS")
    if rule.key == ("subscriptions", "DELETE", "/v1/subscribers/{subscriber_id}"):
        ids["subscriber_id"] = ids["doomed_subscriber_id"]  # DELETE is idempotent
    if "/identity-" in rule.path:
        ids["case_id"] = ids["corrections" if "corrections" in rule.path else "disputes"]
    extra = _bodies(world).get(rule.key) or _case_body(rule)
    if rule.method in {"POST", "PUT", "PATCH"} and not extra:
        extra = {"json": {}}  # public forms and bodies nobody may send: refused as 422
    return {"method": rule.method, "url": f"/api/{rule.service}{rule.path.format(**ids)}", **extra}
