import pytest
from jiaodui_identity.domain.accounts import (
    PasswordProblem,
    check_password,
    hash_token,
    is_edu_email,
    is_valid_email,
    new_link_token,
    normalise_email,
)


@pytest.mark.parametrize("password", ["abc123", "A" * 30, "p@ss-w0rd!", "密码不行"[:0] + "abc!@#"])
def test_passwords_of_6_to_30_letters_digits_specials_pass(password: str) -> None:
    assert check_password(password, password) is None


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("abc12", PasswordProblem.LENGTH),
        ("a" * 31, PasswordProblem.LENGTH),
        ("abc 123", PasswordProblem.CHARACTERS),
        ("密码密码密码", PasswordProblem.CHARACTERS),
    ],
)
def test_bad_passwords_are_named(password: str, problem: PasswordProblem) -> None:
    assert check_password(password, password) == problem


def test_password_must_be_entered_twice_alike() -> None:
    assert check_password("abc123", "abc124") == PasswordProblem.MISMATCH


def test_emails() -> None:
    assert normalise_email("  Student@PKU.edu.cn ") == "student@pku.edu.cn"
    assert is_valid_email("a.b+c@example.com")
    assert not is_valid_email("no-at-sign")
    assert is_edu_email("x@pku.edu.cn") and is_edu_email("x@mit.edu")
    assert not is_edu_email("x@gmail.com")


def test_link_tokens_are_random_and_stored_hashed() -> None:
    token, stored = new_link_token()
    assert stored == hash_token(token) and token not in stored
    assert new_link_token()[0] != token
