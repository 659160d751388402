"""Property-based checks of identity's validators: e-mail, password, mobile number, name."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st
from jiaodui_identity.domain.accounts import (
    PASSWORD_MAX,
    PASSWORD_MIN,
    PasswordProblem,
    check_password,
    is_valid_email,
    normalise_email,
)
from jiaodui_identity.domain.realname import normalise_mobile, normalise_name
from jiaodui_runtime.testing.strategies import hostile_text, padded

ALLOWED = string.ascii_letters + string.digits + string.punctuation
FULL_WIDTH = {ord(c): ord(c) + 0xFEE0 for c in string.ascii_letters + string.digits + "@.-_"}
labels = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=12)
emails = st.builds(
    "{}@{}.{}".format,
    st.text(string.ascii_letters + string.digits + "._%+-", min_size=1, max_size=64),
    labels,
    st.sampled_from(["edu.cn", "com", "cn", "org"]),
)
mobiles = st.builds(
    "1{}{}".format,
    st.sampled_from("3456789"),
    st.text(string.digits, min_size=9, max_size=9),
)


@given(hostile_text(max_size=300))
def test_any_text_normalises_idempotently_and_valid_means_plain_ascii(text: str) -> None:
    email = normalise_email(text)
    assert normalise_email(email) == email
    if is_valid_email(email):
        assert email.isascii() and email.count("@") == 1 and len(email) <= 254
        assert email == email.lower() == email.strip()


@given(emails)
def test_an_address_is_the_same_however_it_is_typed(email: str) -> None:
    canonical = normalise_email(email)
    assert is_valid_email(canonical)
    for typed in (email.upper(), f"  {email}\u3000", email.translate(FULL_WIDTH)):
        assert normalise_email(typed) == canonical


@given(hostile_text(max_size=40), hostile_text(max_size=40))
def test_check_password_names_a_problem_or_the_password_keeps_the_rule(
    password: str, confirm: str
) -> None:
    problem = check_password(password, confirm)
    if problem is None:
        assert password == confirm
        assert PASSWORD_MIN <= len(password) <= PASSWORD_MAX
        assert all(ch in ALLOWED for ch in password)
    else:
        assert isinstance(problem, PasswordProblem)


@given(st.text(ALLOWED, min_size=PASSWORD_MIN, max_size=PASSWORD_MAX))
def test_every_password_keeping_the_rule_passes(password: str) -> None:
    assert check_password(password, password) is None
    assert check_password(password, password + "x") is PasswordProblem.MISMATCH


@given(hostile_text(max_size=30))
def test_a_mobile_number_is_eleven_ascii_digits_or_nothing(text: str) -> None:
    phone = normalise_mobile(text)
    if phone is not None:
        assert len(phone) == 11 and phone.isascii() and phone.isdigit()
        assert phone[0] == "1" and phone[1] in "3456789"
        assert normalise_mobile(phone) == phone


WRITTEN_FORMS = (
    "{}",
    "+86{}",
    "+86 {}",
    "86-{}",
    " {} ",
    "{0[0]}{0[1]}{0[2]} {0[3]}{0[4]}{0[5]}{0[6]}-{0[7]}{0[8]}{0[9]}{0[10]}",
)
OTHER_DIGITS = ("٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹", "०१२३४५६७८९", "０１２３４５６７８９")


@given(mobiles, st.sampled_from(WRITTEN_FORMS))
def test_a_mobile_number_is_the_same_however_it_is_written(phone: str, form: str) -> None:
    assert normalise_mobile(form.format(phone)) == phone
    assert normalise_mobile(phone.translate(FULL_WIDTH)) == phone


@given(mobiles, st.sampled_from(OTHER_DIGITS), st.sets(st.integers(0, 10)))
def test_digits_of_other_scripts_give_the_ascii_number_or_nothing(
    phone: str, digits: str, positions: set[int]
) -> None:
    written = "".join(digits[int(ch)] if i in positions else ch for i, ch in enumerate(phone))
    assert normalise_mobile(written) in (phone, None)


@given(padded(hostile_text(max_size=60)))
def test_name_normalisation_is_idempotent_and_trimmed(name: str) -> None:
    once = normalise_name(name)
    assert normalise_name(once) == once
    assert once == once.strip() and "  " not in once
