"""Record events share the record's bucket as Kafka key; RecordsImported carries an
import's records in batches of one bucket, each record readable as a RecordImported was."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from jiaodui_contracts import key_of, new_event
from jiaodui_contracts._asyncapi import asyncapi
from jiaodui_contracts.compat import breaking_changes
from jiaodui_contracts.examples import example_of
from jiaodui_contracts.records import (
    ImportedRecord,
    RecordCorrected,
    RecordImported,
    RecordsImported,
    record_bucket,
)
from pydantic import ValidationError


def imported(*record_ids: str, bucket: str) -> RecordsImported:
    record = example_of(RecordImported).model_dump()
    for name in ("import_id", "imported_at"):
        del record[name]
    return RecordsImported(
        import_id=str(uuid.uuid4()), bucket=bucket, imported_at=datetime.now(UTC),
        records=[ImportedRecord(**{**record, "record_id": r}) for r in record_ids],
    )  # fmt: skip


def test_every_event_about_one_record_has_its_bucket_as_key() -> None:
    record_id = "3f2a" + str(uuid.uuid4())[4:]
    corrected = example_of(RecordCorrected).model_copy(update={"record_id": record_id})
    batch = imported(record_id, "3f" + str(uuid.uuid4())[2:], bucket="3f")
    assert record_bucket(record_id) == "3f"
    assert key_of(corrected) == key_of(batch) == "3f"
    assert new_event(corrected, source="/jiaodui/records").subject == record_id
    assert new_event(batch, source="/jiaodui/records").subject == "3f"


def test_a_batch_holds_1_to_100_records() -> None:
    with pytest.raises(ValidationError):
        imported(*("3f" + str(uuid.uuid4())[2:] for _ in range(101)), bucket="3f")
    with pytest.raises(ValidationError):
        imported(bucket="3f")


def test_each_record_of_a_batch_reads_as_a_record_imported_did() -> None:
    """What a RecordImported consumer read of a record is in each ImportedRecord (the
    import's id and time moved to the batch)."""
    old = RecordImported.model_json_schema(mode="serialization")
    for name in ("import_id", "imported_at"):
        del old["properties"][name]
        old["required"].remove(name)
    old.pop("description", None)
    new = ImportedRecord.model_json_schema(mode="serialization")
    new.pop("description", None)
    assert breaking_changes(old, new) == []


def test_the_asyncapi_document_says_what_the_key_of_record_events_is() -> None:
    document = asyncapi("test")
    messages = document["components"]["messages"]
    for name in ("RecordsImported", "RecordCorrected"):
        key = messages[name]["bindings"]["kafka"]["key"]["description"]
        assert "bucket" in key and "first two hex digits" in key
    assert "RecordsImported" in document["channels"]["records_events"]["messages"]
