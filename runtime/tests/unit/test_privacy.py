from hypothesis import given
from hypothesis import strategies as st
from jiaodui_runtime.privacy import (
    _scrub_all,
    identity_hash,
    mask_email,
    mask_id_number,
    mask_phone,
    normalise_id_number,
    scrub,
    scrub_text,
)


def test_masks_keep_only_what_display_needs() -> None:
    assert mask_id_number("11010119900307123x") == "110101********123X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_email("student@example.edu.cn") == "s***@example.edu.cn"
    assert mask_id_number("E12345678") == "E1*****78"


def test_full_width_digits_and_lower_x_are_normalised() -> None:
    assert normalise_id_number("１１０１０１ 19900307123x") == "11010119900307123X"


def test_identity_hash_is_keyed_and_ignores_notation() -> None:
    a = identity_hash(b"k1", "resident_id", "11010119900307123x")
    assert a == identity_hash(b"k1", "resident_id", "１１０１０１19900307123X")
    assert a != identity_hash(b"k2", "resident_id", "11010119900307123X")
    assert a != identity_hash(b"k1", "passport", "11010119900307123X")
    assert len(a) == 64


def test_free_text_is_scrubbed_of_every_identifier() -> None:
    text = (
        "id 11010119900307123X phone 13812345678 mail a.b@x.edu.cn "
        "https://x/activate.html?token=abcdef&x=1 Authorization: Bearer eyJ.a.b"
    )
    out = scrub_text(text)
    for secret in ("11010119900307123X", "13812345678", "a.b@x", "abcdef", "eyJ.a.b"):
        assert secret not in out
    assert "110101********123X" in out and "138****5678" in out


def test_sensitive_keys_are_replaced_whole_in_nested_structures() -> None:
    out = scrub({"password": "hunter22", "nested": [{"sms_code": "123456"}], "ok": 1})
    assert out == {"password": "***", "nested": [{"sms_code": "***"}], "ok": 1}


_PIECES = st.sampled_from(
    ["1", "3", "8", "9", "0", "X", "x", "１", "@", "=", ".", "-", " ", "+86", "Bearer ",
     "bEaReR\t", "token=", "a", "Z", "edu.cn", "/", "%", "'"]
)  # fmt: skip


@given(st.lists(_PIECES, max_size=40).map("".join))
def test_the_quick_look_never_skips_a_text_that_needs_masking(text: str) -> None:
    """scrub_text skips the substitutions when its one search finds nothing: the answer is
    the same as running them all."""
    assert scrub_text(text) == _scrub_all(text)
