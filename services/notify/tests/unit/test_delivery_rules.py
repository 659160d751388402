"""Failure classification and the bounded backoff."""

from __future__ import annotations

import pytest
from jiaodui_notify.domain.delivery import (
    PermanentSendError,
    TransientSendError,
    http_failure,
    language_of,
    smtp_failure,
)
from jiaodui_notify.service_layer.notices import mask, recipient_key
from jiaodui_runtime.retry import Backoff as RetryPolicy


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (421, TransientSendError),
        (451, TransientSendError),
        (550, PermanentSendError),
        (554, PermanentSendError),
    ],
)
def test_smtp_4xx_is_transient_and_5xx_permanent(code: int, kind: type) -> None:
    error = smtp_failure(code, "no")
    assert isinstance(error, kind)
    assert error.transient is (kind is TransientSendError)


@pytest.mark.parametrize(
    ("status", "transient"),
    [(500, True), (503, True), (429, True), (408, True), (400, False), (422, False)],
)
def test_sms_provider_answers_are_classified(status: int, transient: bool) -> None:
    assert http_failure(status, "x").transient is transient


def test_backoff_doubles_up_to_a_ceiling_and_gives_up() -> None:
    policy = RetryPolicy(max_attempts=4, base_delay_s=1.0, max_delay_s=3.0)
    assert [policy.delay_after(n) for n in (1, 2, 3, 4)] == [1.0, 2.0, 3.0, 3.0]
    assert not policy.gives_up_after(3)
    assert policy.gives_up_after(4)


def test_chinese_is_the_default_language() -> None:
    assert language_of(None) == "zh"
    assert language_of("zh-CN") == "zh"
    assert language_of("en-GB") == "en"
    assert language_of("fr") == "zh"


def test_recipients_are_normalised_and_masked() -> None:
    assert recipient_key("email", " Student@Example.EDU.cn ") == "student@example.edu.cn"
    assert recipient_key("sms", "+86 138-1234-5678") == "+8613812345678"
    assert mask("email", "student@example.edu.cn") == "s***@example.edu.cn"
    assert "1234" not in mask("sms", "13812345678")
