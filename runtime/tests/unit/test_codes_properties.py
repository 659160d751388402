"""Property-based checks of collection codes: round trips, tampering, arbitrary input."""

from __future__ import annotations

import base64
import uuid

from hypothesis import given
from hypothesis import strategies as st
from jiaodui_runtime.codes import sign_collection_code, verify_collection_code
from jiaodui_runtime.testing.strategies import hostile_text, padded

secrets = st.binary(min_size=1, max_size=64)
record_ids = st.uuids().map(str)


@given(secrets, record_ids)
def test_a_code_names_its_record_however_it_is_typed(secret: bytes, record_id: str) -> None:
    code = sign_collection_code(secret, record_id)
    assert code.isascii() and code.isalnum() and record_id not in code
    assert verify_collection_code(secret, code) == record_id
    spaced = " ".join(code[i : i + 4] for i in range(0, len(code), 4))
    for typed in (code.lower(), spaced, f"\t{code}\n"):
        assert verify_collection_code(secret, typed) == record_id


@given(secrets, secrets, record_ids)
def test_another_secret_recognises_no_code(mine: bytes, theirs: bytes, record_id: str) -> None:
    if mine != theirs:
        assert verify_collection_code(theirs, sign_collection_code(mine, record_id)) is None


@given(secrets, record_ids, st.data())
def test_a_changed_character_never_names_another_record(
    secret: bytes, record_id: str, data: st.DataObject
) -> None:
    code = sign_collection_code(secret, record_id)
    at = data.draw(st.integers(min_value=3, max_value=len(code) - 1))
    new = data.draw(
        st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567").filter(lambda c: c != code[at])
    )
    tampered = code[:at] + new + code[at + 1 :]
    # the last character may carry only padding bits; any other change must be refused
    expected = {None, record_id} if at == len(code) - 1 else {None}
    assert verify_collection_code(secret, tampered) in expected


@given(secrets, padded(hostile_text(max_size=60)))
def test_arbitrary_text_is_refused_without_raising(secret: bytes, text: str) -> None:
    named = verify_collection_code(secret, text)
    assert named is None or str(uuid.UUID(named)) == named


@given(secrets, st.binary(max_size=40))
def test_well_formed_but_unsigned_codes_are_refused(secret: bytes, blob: bytes) -> None:
    forged = "JD1" + base64.b32encode(blob).decode().rstrip("=")
    assert verify_collection_code(secret, forged) is None
