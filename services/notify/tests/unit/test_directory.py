"""A run of notices sees the directory as one-at-a-time acceptance would."""

from __future__ import annotations

from jiaodui_notify.domain.directory import Learned, RunDirectory
from jiaodui_notify.domain.notices import Notice

A, B = "a0000000-0000-0000-0000-000000000001", "b0000000-0000-0000-0000-000000000002"


def mail(account: str, to: str, locale: str | None = None) -> Notice:
    return Notice("activation", account, {}, to=to, locale=locale)


def event(account: str) -> Notice:
    return Notice("identity_matched", account, {})


def test_an_event_sees_what_was_stored_before_the_run() -> None:
    directory = RunDirectory({A: ("a@x.cn", "en")})
    assert directory.address_of(A) == ("a@x.cn", "en")
    assert directory.address_of(B) == (None, None)
    assert directory.learned() == {}


def test_an_event_sees_the_address_an_earlier_command_of_the_run_taught() -> None:
    directory = RunDirectory({A: ("old@x.cn", "zh")})
    directory.learn(event(A))  # events teach nothing
    directory.learn(mail(A, "new@x.cn", "en-GB"))
    directory.learn(mail(B, "b@x.cn"))
    assert directory.address_of(A) == ("new@x.cn", "en")
    assert directory.address_of(B) == ("b@x.cn", "zh")


def test_the_newest_address_wins_and_a_phone_keeps_the_e_mail_and_locale() -> None:
    directory = RunDirectory({A: ("a@x.cn", "en")})
    directory.learn(mail(A, "first@x.cn", "zh"))
    directory.learn(mail(A, "second@x.cn", "en"))
    directory.learn(Notice("sms_code", A, {}, channel="sms", to="+8613800000000"))
    directory.learn(Notice("sms_code", B, {}, channel="sms", to="+8613900000000"))
    assert directory.address_of(A) == ("second@x.cn", "en")
    assert directory.address_of(B) == (None, None)
    assert directory.learned() == {
        A: Learned(email="second@x.cn", phone="+8613800000000", locale="en"),
        B: Learned(phone="+8613900000000"),
    }


def test_a_command_without_an_account_teaches_nothing() -> None:
    directory = RunDirectory({})
    directory.learn(Notice("webhook_disabled", None, {}, to="ops@x.cn"))
    assert directory.learned() == {}
