"""Canonical JSON and the Ed25519 signature over it: stable bytes, verified with the JWKS,
and any change to the signed data is caught."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jiaodui_reports.adapters.signing import ReportSigner, SignatureInvalid, verify_jws
from jiaodui_reports.domain.document import canonical_json, document, fingerprint, snapshot
from jiaodui_runtime.signing_keys import SigningKey
from jwt.utils import base64url_decode, base64url_encode

RECORD = {
    "name": "王芳",
    "gender": "female",
    "birth_date": "2003-03-09",
    "id_number_masked": "110101********1234",
    "major": "软件工程",
    "duration_years": 4.0,
    "institution_name": "测试大学",
}


def _document() -> dict[str, object]:
    return document(
        report_id="5f0c3f9e-3a43-4a57-9d0e-6f5bd9d1e2a1",
        code="ABCDEFGHJKMNPQRS",
        revision=1,
        issued_at=datetime(2026, 6, 1, 8, 0, 0, 123456, tzinfo=UTC),
        valid_until=datetime(2026, 7, 1, 8, 0, tzinfo=UTC),
        record=snapshot(RECORD),
        photo_sha256="ab" * 32,
        check_url="https://example.edu.cn/verify/ABCDEFGHJKMNPQRS",
    )


def test_canonical_json_is_sorted_compact_utf8() -> None:
    assert canonical_json({"b": 1, "a": {"d": "王", "c": None}}) == (
        '{"a":{"c":null,"d":"王"},"b":1}'.encode()
    )


def test_canonical_json_refuses_floats() -> None:
    with pytest.raises(TypeError):
        canonical_json({"x": 1.5})


def test_snapshot_keeps_only_report_fields_as_text() -> None:
    shown = snapshot({**RECORD, "id_number": "110101200303091234", "exam_number": "x"})
    assert "id_number" not in shown and "exam_number" not in shown
    assert shown["duration_years"] == "4" and shown["ethnicity"] is None


def test_the_document_round_trips_to_the_same_bytes() -> None:
    doc = _document()
    assert doc["issued_at"] == "2026-06-01T08:00:00Z"
    assert canonical_json(json.loads(canonical_json(doc))) == canonical_json(doc)
    assert fingerprint(snapshot(RECORD)) == fingerprint(snapshot(dict(RECORD)))


def _signer() -> tuple[ReportSigner, dict[str, object]]:
    signer = ReportSigner([SigningKey("k1", Ed25519PrivateKey.generate())])
    return signer, signer.jwks()


def test_a_signature_verifies_with_the_published_key() -> None:
    signer, jwks = _signer()
    kid, token = signer.sign(_document())
    assert kid == "k1"
    got_kid, payload = verify_jws(token, jwks)
    assert got_kid == "k1" and payload == canonical_json(_document())


def test_one_changed_byte_of_the_signed_data_fails() -> None:
    signer, jwks = _signer()
    _kid, token = signer.sign(_document())
    header, payload, signature = token.split(".")
    data = bytearray(base64url_decode(payload.encode()))
    data[data.index(b"2026-07-01")] ^= 0x01  # 2026-07-01 -> 3026-07-01
    forged = f"{header}.{base64url_encode(bytes(data)).decode()}.{signature}"
    with pytest.raises(SignatureInvalid):
        verify_jws(forged, jwks)


def test_another_key_or_no_key_fails() -> None:
    signer, _ = _signer()
    _kid, token = signer.sign(_document())
    _other, other_jwks = _signer()
    with pytest.raises(SignatureInvalid):
        verify_jws(token, other_jwks)
    with pytest.raises(SignatureInvalid):
        verify_jws(token, {"keys": []})
    with pytest.raises(SignatureInvalid):
        verify_jws("not a jws", other_jwks)


def test_signing_uses_the_newest_active_key_and_publishes_all() -> None:
    now = datetime.now(UTC)
    future = SigningKey("new", Ed25519PrivateKey.generate(), now.replace(year=now.year + 1))
    current = SigningKey("cur", Ed25519PrivateKey.generate(), now.replace(year=now.year - 1))
    signer = ReportSigner([future, current])
    assert signer.sign(_document())[0] == "cur"
    assert [k["kid"] for k in signer.jwks()["keys"]] == ["new", "cur"]
