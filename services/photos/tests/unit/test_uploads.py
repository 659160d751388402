"""Manifests, archives (zip bombs included) and the settings' blob default."""

from __future__ import annotations

import io
import zipfile

import pytest
from jiaodui_photos.adapters.archive import (
    ArchiveRefusedError,
    EntryRejectedError,
    Limits,
    open_archive,
    read_entry,
)
from jiaodui_photos.domain.uploads import ManifestError, dimensions_problem, parse_manifest
from jiaodui_photos.settings import PhotosSettings

LIMITS = Limits(
    max_files=10,
    max_file_bytes=1024 * 1024,
    max_total_uncompressed_bytes=4 * 1024 * 1024,
    max_compression_ratio=50,
)
HEADER = "file,kind,institution_code,name,id_type,id_number,student_number\n"


def test_identity_manifest_rows_and_row_problems() -> None:
    rows = parse_manifest(
        "\ufeff"
        + HEADER
        + "a.jpg,graduation,10001,张三,resident_id,110101200001011234,2014001\n"
        + "b.jpg,portrait,10001,张三,resident_id,110101200001011234,\n"
        + "c.jpg,admission,10001,张三,driving_licence,1,\n"
        + "d.jpg,admission,,张三,resident_id,1,\n"
        + "a.jpg,admission,10001,张三,resident_id,110101200001011234,\n",
        max_rows=10,
    )
    assert rows[0].problem is None and rows[0].student_number == "2014001"
    assert [r.problem for r in rows[1:]] == [
        "kind_invalid",
        "id_type_invalid",
        "row_incomplete",
        "duplicate_row",
    ]


def test_code_manifest() -> None:
    rows = parse_manifest(
        "file,kind,collection_code\nx.jpg,graduation,JD1ABC\ny.jpg,admission,\n", max_rows=5
    )
    assert rows[0].collection_code == "JD1ABC" and rows[0].problem is None
    assert rows[1].problem == "row_incomplete"


@pytest.mark.parametrize("text", ["name,age\nx,1\n", ""])
def test_unusable_manifests(text: str) -> None:
    with pytest.raises(ManifestError):
        parse_manifest(text, max_rows=5)


def test_too_many_rows() -> None:
    with pytest.raises(ManifestError):
        parse_manifest("file,kind,collection_code\n" + "x,graduation,c\n" * 3, max_rows=2)


def zipped(files: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    out.seek(0)
    return out


def test_a_zip_bomb_is_refused_before_decompressing() -> None:
    with pytest.raises(ArchiveRefusedError) as caught:
        open_archive(zipped({"bomb.jpg": b"\0" * (2 * 1024 * 1024)}), LIMITS)
    assert caught.value.code == "zip_bomb"


def test_total_uncompressed_and_file_count_limits() -> None:
    stored = {f"{i}.jpg": bytes(1024 * 1024) for i in range(5)}
    with pytest.raises(ArchiveRefusedError) as caught:
        open_archive(zipped(stored, zipfile.ZIP_STORED), LIMITS)
    assert caught.value.code == "zip_bomb"
    many = {f"{i}.jpg": b"x" for i in range(11)}
    with pytest.raises(ArchiveRefusedError) as caught:
        open_archive(zipped(many), LIMITS)
    assert caught.value.code == "too_many_files"


def test_not_a_zip() -> None:
    with pytest.raises(ArchiveRefusedError) as caught:
        open_archive(io.BytesIO(b"PK\x03\x04 not really"), LIMITS)
    assert caught.value.code == "archive_invalid"


def test_entries_are_read_with_a_bound() -> None:
    archive, entries = open_archive(
        zipped({"ok.jpg": b"abc", "big.jpg": bytes(600 * 1024)}, zipfile.ZIP_STORED), LIMITS
    )
    assert read_entry(archive, entries["ok.jpg"], max_bytes=10) == b"abc"
    with pytest.raises(EntryRejectedError) as caught:
        read_entry(archive, entries["big.jpg"], max_bytes=500 * 1024)
    assert caught.value.code == "file_too_large"


def test_dimensions_must_be_the_standard() -> None:
    assert dimensions_problem(480, 640, standard=(480, 640)) is None
    assert dimensions_problem(640, 480, standard=(480, 640)) == "wrong_dimensions"


def test_blob_url_defaults_under_the_stack_dir() -> None:
    assert PhotosSettings(stack_dir="/srv/st").blob_url == "file:///srv/st/blobs/photos"
    assert PhotosSettings(blob_url="s3://bucket/photos/").blob_url == "s3://bucket/photos/"
