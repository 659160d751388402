"""What the API shows of errata and identity cases (never a plain ID number or phone)."""

from __future__ import annotations

from typing import Any

import asyncpg
from jiaodui_runtime.privacy import mask_email, mask_phone


def _id(value: Any) -> str | None:
    return str(value) if value is not None else None


def timeline(row: asyncpg.Record) -> list[dict[str, Any]]:
    """The steps an erratum has gone through: filed → approved or rejected → applied."""
    steps: list[dict[str, Any]] = [
        {"status": "filed", "at": row["filed_at"], "actor_id": str(row["filed_by"]), "reason": None}
    ]
    if row["decided_at"] is not None:
        steps.append(
            {
                "status": "rejected" if row["status"] == "rejected" else "approved",
                "at": row["decided_at"],
                "actor_id": _id(row["decided_by"]),
                "reason": row["reason"],
            }
        )
    if row["applied_at"] is not None:
        steps.append(
            {"status": "applied", "at": row["applied_at"], "actor_id": None, "reason": None}
        )
    return steps


def erratum_view(row: asyncpg.Record) -> dict[str, Any]:
    """``row`` as store.errata.read gives it (with the student's name, number and class)."""
    return {
        "erratum_id": str(row["erratum_id"]),
        "record_id": str(row["record_id"]),
        "institution_code": row["institution_code"],
        "college": row["branch"],
        "cohort": row["cohort"],
        "account_id": _id(row["account_id"]),
        "student_name": row["student_name"],
        "student_number": row["student_number"],
        "class_name": row["class_name"],
        "status": row["status"],
        "origin": row["origin"],
        "items": [
            {
                "field": item["field"],
                "old_value": item.get("old_value"),
                "correct_value": item.get("correct_value"),
                "correct_value_masked": item.get("correct_value_masked"),
            }
            for item in row["items"]
        ],
        "note": row["note"],
        "filed_by": str(row["filed_by"]),
        "filed_by_role": row["filed_by_role"],
        "filed_at": row["filed_at"],
        "decided_by": _id(row["decided_by"]),
        "decided_at": row["decided_at"],
        "reason": row["reason"],
        "awaiting": list(row["pending_parts"]) if row["status"] == "approved" else [],
        "applied_at": row["applied_at"],
        "timeline": timeline(row),
    }


def case_view(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "case_id": str(row["case_id"]),
        "kind": row["kind"],
        "account_id": str(row["account_id"]),
        "status": row["status"],
        "id_type": row["id_type"],
        "id_number_masked": row["id_number_masked"],
        "contact_phone_masked": mask_phone(row["contact_phone"]),
        "reply_email_masked": mask_email(row["reply_email"]) if row["reply_email"] else None,
        "has_scan": row["scan_key"] is not None,
        "scan_deleted_at": row["scan_deleted_at"],
        "reason": row["reason"],
        "decided_by": _id(row["decided_by"]),
        "opened_at": row["opened_at"],
        "closed_at": row["closed_at"],
    }
