import uuid

from jiaodui_runtime.codes import sign_collection_code, verify_collection_code


def test_codes_round_trip_and_cannot_be_forged() -> None:
    record_id = str(uuid.uuid4())
    code = sign_collection_code(b"k", record_id)
    assert code.startswith("JD1") and record_id not in code
    assert verify_collection_code(b"k", code) == record_id
    assert verify_collection_code(b"k", code.lower()) == record_id
    assert verify_collection_code(b"other", code) is None
    # a middle character: the last one of base32 may carry only padding bits
    middle = len(code) // 2
    tampered = code[:middle] + ("A" if code[middle] != "A" else "B") + code[middle + 1 :]
    assert verify_collection_code(b"k", tampered) is None
    assert verify_collection_code(b"k", "JD1!!") is None
    assert verify_collection_code(b"k", "") is None
