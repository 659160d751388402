"""What each command or event tells the student: template, channel, recipient, variables.

Commands from identity carry the address (and links with tokens); public events carry
only ``account_id`` — their address comes from notify's directory. Values named in
``SECRETS`` never reach the inbox: its copy is rendered with them redacted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

from jiaodui_contracts import Contract
from jiaodui_contracts import commands as c
from jiaodui_contracts import corrections as k
from jiaodui_contracts import photos as p
from jiaodui_contracts import records as r
from jiaodui_contracts import reports as v

from jiaodui_notify.domain.delivery import Channel

Template = Literal[
    "activation",
    "existing_account",
    "username_reminder",
    "password_reset",
    "lockout",
    "identity_released",
    "sms_code",
    "identity_matched",
    "identity_unmatched",
    "photo_confirmed",
    "photo_disputed",
    "deadline_reminder",
    "errata_filed",
    "errata_approved",
    "errata_rejected",
    "errata_applied",
    "identity_correction_approved",
    "identity_correction_rejected",
    "identity_dispute_resolved",
    "webhook_disabled",
    "report_superseded",
]
"""Every kind of message; each has a template of that name in both languages."""
EXCERPT_CHARS = 120
SECRETS = frozenset({"activation_url", "reset_url", "code"})
REDACTED = "[***]"
_CHINA = timezone(timedelta(hours=8))


@dataclass(frozen=True, slots=True)
class Notice:
    template: Template
    account_id: str | None
    context: Mapping[str, Any]
    channel: Channel = "email"
    to: str | None = None
    """The address from a command; None: look the account up in the directory."""
    locale: str | None = None


def redacted(context: Mapping[str, Any]) -> dict[str, Any]:
    return {k_: (REDACTED if k_ in SECRETS else v) for k_, v in context.items()}


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of a message on one line, for a list of messages."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def local_time(moment: datetime) -> str:
    """Times in messages are Beijing time, the students' and offices' clock."""
    return moment.astimezone(_CHINA).strftime("%Y-%m-%d %H:%M") + " (UTC+8)"


def _fields(changes: list[k.FieldChange]) -> list[str]:
    return [change.field for change in changes]


Builder = Callable[[Any, str], Notice]


def _mail(template: Template, to: str, account_id: str, locale: str, **context: Any) -> Notice:
    return Notice(template, account_id, context, to=to, locale=locale)


def _event(template: Template, account_id: str | None, base: str, **context: Any) -> Notice:
    links = {
        "portal_url": f"{base}/",
        "record_url": f"{base}/record.html",
        "photos_url": f"{base}/photos.html",
        "errata_url": f"{base}/errata.html",
        "missing_url": f"{base}/missing.html",
        "realname_url": f"{base}/realname.html",
        "id_correction_url": f"{base}/id-correction.html",
        "reports_url": f"{base}/student/reports",
    }
    return Notice(template, account_id, {**links, **context})


BUILDERS: dict[type[Contract], Builder] = {
    c.SendActivationMail: lambda m, _b: _mail(
        "activation", m.email, m.account_id, m.locale, activation_url=m.activation_url
    ),
    c.SendExistingAccountNotice: lambda m, _b: _mail(
        "existing_account",
        m.email,
        m.account_id,
        m.locale,
        login_url=m.login_url,
        recovery_url=m.recovery_url,
    ),
    c.SendUsernameReminder: lambda m, _b: _mail(
        "username_reminder",
        m.email,
        m.account_id,
        m.locale,
        email_masked=m.email_masked,
        login_url=m.login_url,
    ),
    c.SendPasswordResetMail: lambda m, _b: _mail(
        "password_reset",
        m.email,
        m.account_id,
        m.locale,
        reset_url=m.reset_url,
        expires_min=max(1, m.expires_in_s // 60),
    ),
    c.SendLockoutNotice: lambda m, b: _mail(
        "lockout",
        m.email,
        m.account_id,
        m.locale,
        locked_until=local_time(m.locked_until),
        recovery_url=f"{b}/recover.html",
    ),
    c.SendIdentityReleasedNotice: lambda m, _b: _mail(
        "identity_released", m.email, m.account_id, m.locale, support_url=m.support_url
    ),
    c.SendWebhookDisabledNotice: lambda m, _b: Notice(
        "webhook_disabled",
        None,
        {
            "subscriber_name": m.subscriber_name,
            "endpoint": m.url.split("://", 1)[-1],  # not a link: mails link only here
            "reason": m.reason,
            "failing_since": local_time(m.failing_since) if m.failing_since else "",
            "manage_url": m.manage_url,
        },
        to=m.email,
        locale=m.locale,
    ),
    c.SendSmsCode: lambda m, _b: Notice(
        "sms_code",
        m.account_id,
        {"code": m.code, "purpose": m.purpose, "expires_min": max(1, m.expires_in_s // 60)},
        channel="sms",
        to=m.phone,
    ),
    r.IdentityMatched: lambda e, b: _event(
        "identity_matched",
        e.account_id,
        b,
        institution_code=e.institution_code,
        student_number=e.student_number,
    ),
    r.IdentityUnmatched: lambda e, b: _event(
        "identity_unmatched",
        e.account_id,
        b,
        reason=e.reason,
        had_record=bool(e.previously_matched_record_ids),
    ),
    p.PhotoConfirmed: lambda e, b: _event(
        "photo_confirmed", e.account_id, b, kind=e.kind, at=local_time(e.confirmed_at)
    ),
    p.PhotoDisputed: lambda e, b: _event(
        "photo_disputed", e.account_id, b, kind=e.kind, reason=e.reason, deadline=None
    ),
    p.DeadlineReminderDue: lambda e, b: _event(
        "deadline_reminder",
        e.account_id,
        b,
        kinds=list(e.pending_kinds),
        deadline=local_time(e.confirm_until),
        last=e.stage == "last",
    ),
    k.ErrataFiled: lambda e, b: _event(
        "errata_filed",
        e.account_id,
        b,
        fields=_fields(e.items),
        by_office=e.filed_by_role != "student",
    ),
    k.ErrataApproved: lambda e, b: _event(
        "errata_approved", e.account_id, b, fields=_fields(e.changes)
    ),
    k.ErrataRejected: lambda e, b: _event("errata_rejected", e.account_id, b, reason=e.reason),
    k.ErrataApplied: lambda e, b: _event("errata_applied", e.account_id, b),
    k.IdentityCorrectionApproved: lambda e, b: _event(
        "identity_correction_approved", e.account_id, b, id_number_masked=e.id_number_masked
    ),
    k.IdentityCorrectionRejected: lambda e, b: _event(
        "identity_correction_rejected", e.account_id, b, reason=e.reason
    ),
    v.ReportSuperseded: lambda e, b: _event(
        "report_superseded",
        e.account_id,
        b,
        reason=e.reason,
        at=local_time(e.superseded_at),
    ),
    k.IdentityDisputeResolved: lambda e, b: _event(
        "identity_dispute_resolved",
        e.account_id,
        b,
        outcome=e.outcome,
        reason=e.reason,
        id_number_masked=e.id_number_masked,
    ),
}


def notice_for(payload: Contract, *, base_url: str) -> Notice | None:
    """The notice a command or event asks for; None when nobody is to be told."""
    build = BUILDERS.get(type(payload))
    if build is None:
        return None
    notice = build(payload, base_url.rstrip("/"))
    if notice.account_id is None and notice.to is None:
        return None  # e.g. an erratum the office filed for a record nobody claimed yet
    return notice
