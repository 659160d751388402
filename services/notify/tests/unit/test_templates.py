"""Every template renders in both languages; a missing variable fails; secrets stay out."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import get_args

import pytest
from jiaodui_contracts import Contract
from jiaodui_contracts import commands as c
from jiaodui_contracts import corrections as k
from jiaodui_contracts import photos as p
from jiaodui_contracts import records as r
from jiaodui_contracts import reports as v
from jiaodui_notify.adapters.templates import LANGUAGES, Templates
from jiaodui_notify.domain.notices import (
    BUILDERS,
    EXCERPT_CHARS,
    REDACTED,
    SECRETS,
    Template,
    excerpt,
    notice_for,
    redacted,
)
from jinja2 import UndefinedError

BASE = "https://jiaodui.example.edu.cn"
NOW = datetime(2026, 3, 10, 8, 30, tzinfo=UTC)
HASH = "ab" * 32
MASKED = "110101********123X"


def ids() -> dict[str, str]:
    return {"account_id": str(uuid.uuid4())}


def uid() -> str:
    return str(uuid.uuid4())


def samples() -> list[Contract]:
    a = ids()
    rec = {"record_id": uid(), "institution_code": "10001", "branch": "信息学院"}
    err = {**rec, "erratum_id": uid(), "account_id": a["account_id"]}
    case = {"case_id": uid(), **a}
    change = k.FieldChange(field="name", old_value="张三", correct_value="张叁")
    return [
        c.SendActivationMail(
            **a, email="s@example.edu.cn", activation_url=f"{BASE}/activate.html?token=SECRET1"
        ),
        c.SendActivationMail(
            **a, email="s@example.edu.cn", activation_url=f"{BASE}/a?token=SECRET1", locale="en"
        ),
        c.SendExistingAccountNotice(
            **a, email="s@example.edu.cn", login_url=f"{BASE}/login", recovery_url=f"{BASE}/r"
        ),
        c.SendSmsCode(
            **a, phone="13812345678", code="SECRET2", purpose="realname", expires_in_s=600
        ),
        c.SendUsernameReminder(
            **a, email="s@example.edu.cn", email_masked="s***@example.edu.cn", login_url=BASE
        ),
        c.SendPasswordResetMail(
            **a,
            email="s@example.edu.cn",
            reset_url=f"{BASE}/reset?token=SECRET3",
            expires_in_s=1800,
        ),
        c.SendLockoutNotice(**a, email="s@example.edu.cn", locked_until=NOW),
        c.SendIdentityReleasedNotice(**a, email="s@example.edu.cn", support_url=f"{BASE}/s"),
        c.SendWebhookDisabledNotice(
            subscriber_id=uid(),
            email="owner@campus.example.edu.cn",
            subscriber_name="印制系统",
            url="https://print.example.edu.cn/hook",
            reason="failing",
            failing_since=datetime.now(UTC),
            manage_url=f"{BASE}/staff/admin/subscribers",
        ),
        r.IdentityMatched(
            **a,
            record_id=uid(),
            institution_code="10001",
            branch="信息学院",
            cohort="2026",
            student_number="2022001",
            matched_at=NOW,
        ),
        r.IdentityUnmatched(**a, reason="no_record", unmatched_at=NOW),
        r.IdentityUnmatched(
            **a,
            reason="name_mismatch",
            record_id=uid(),
            unmatched_at=NOW,
            previously_matched_record_ids=[uid()],
        ),
        p.PhotoConfirmed(**rec, **a, photo_id=uid(), kind="graduation", confirmed_at=NOW),
        p.PhotoDisputed(
            **rec, **a, photo_id=uid(), kind="admission", reason="不是我", disputed_at=NOW
        ),
        p.DeadlineReminderDue(
            **rec,
            **a,
            cohort="2026",
            pending_kinds=["graduation", "admission"],
            confirm_until=NOW,
            stage="last",
            due_on=date(2026, 3, 15),
        ),
        k.ErrataFiled(**err, filed_by=uid(), filed_by_role="student", items=[change], filed_at=NOW),
        k.ErrataApproved(**err, changes=[change], approved_by=uid(), approved_at=NOW),
        k.ErrataRejected(**err, reason="材料不足 <b>", rejected_by=uid(), rejected_at=NOW),
        k.ErrataApplied(**err, applied_at=NOW),
        v.ReportSuperseded(
            report_id=uid(),
            **rec,
            account_id=a["account_id"],
            reason="record_corrected",
            erratum_id=uid(),
            superseded_at=NOW,
        ),
        k.IdentityCorrectionApproved(
            **case,
            id_type="resident_id",
            identity_hash=HASH,
            id_number_masked=MASKED,
            approved_by=uid(),
            approved_at=NOW,
        ),
        k.IdentityCorrectionRejected(
            **case, reason="扫描件不清晰", rejected_by=uid(), rejected_at=NOW
        ),
        k.IdentityDisputeResolved(
            **case,
            outcome="released",
            id_type="resident_id",
            identity_hash=HASH,
            id_number_masked=MASKED,
            resolved_by=uid(),
            resolved_at=NOW,
        ),
        k.IdentityDisputeResolved(
            **case,
            outcome="rejected",
            id_type="resident_id",
            identity_hash=HASH,
            id_number_masked=MASKED,
            reason="证据不足",
            resolved_by=uid(),
            resolved_at=NOW,
        ),
    ]


@pytest.fixture(scope="module")
def templates() -> Templates:
    return Templates()


def test_every_handled_type_has_a_sample_and_every_template_is_used(templates: Templates) -> None:
    payloads = samples()
    assert {type(s) for s in payloads} == set(BUILDERS)
    used = set()
    for payload in payloads:
        notice = notice_for(payload, base_url=BASE)
        assert notice is not None
        used.add(notice.template)
    assert used == set(templates.names())


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("payload", samples(), ids=lambda s: type(s).__name__)
def test_renders_in_both_languages_with_html_and_links_from_the_base_url(
    templates: Templates, payload: Contract, lang: str
) -> None:
    notice = notice_for(payload, base_url=BASE + "/")
    assert notice is not None
    email = notice.channel == "email"
    full = templates.render(notice.template, lang, notice.context, html=email)
    assert full.text.strip()
    assert "{{" not in full.text and "{%" not in full.text
    for word in full.text.split():
        if "://" in word:
            assert word[word.index("http") :].startswith(BASE), word
    if email:
        assert full.subject and "\n" not in full.subject
        assert full.html is not None and f'href="{BASE}' in full.html
        assert "<b>" not in full.html  # text is escaped in the HTML part
    if lang == "zh":
        assert any("\u4e00" <= ch <= "\u9fff" for ch in full.text)
    else:
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in full.subject)
    safe = templates.render(notice.template, lang, redacted(notice.context), html=False)
    assert "SECRET" not in safe.text + safe.subject
    if SECRETS & set(notice.context):
        assert REDACTED in safe.text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_missing_variable_fails_loudly(templates: Templates, lang: str) -> None:
    for name in templates.names():
        with pytest.raises(UndefinedError):
            templates.render(name, lang, {})


def test_an_erratum_nobody_owns_tells_nobody() -> None:
    rec = {"record_id": uid(), "institution_code": "10001", "branch": "x"}
    filed = k.ErrataFiled(
        **rec,
        erratum_id=uid(),
        filed_by=uid(),
        filed_by_role="college_staff",
        items=[],
        filed_at=NOW,
    )
    assert notice_for(filed, base_url=BASE) is None


def test_the_message_kinds_are_the_templates(templates: Templates) -> None:
    """The inbox's and the delivery log's ``template`` enum is the set of templates."""
    assert set(get_args(Template)) == set(templates.names())


def test_an_excerpt_is_one_short_line() -> None:
    assert excerpt("短信\n\n  内容") == "短信 内容"
    long = excerpt("字" * 300)
    assert len(long) == EXCERPT_CHARS and long.endswith("…")
