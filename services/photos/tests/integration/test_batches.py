"""Batch uploads through the gateway: per-file results, cleaning, linking in any order."""

from __future__ import annotations

import io
import os
import struct
from typing import Any

import pytest
from jiaodui_runtime.codes import sign_collection_code
from PIL import ExifTags, Image

from .conftest import SETTINGS, World, jpeg, zipped

pytestmark = pytest.mark.integration


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = "Campus Camera"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (39.0, 54.0, 27.0)
    return exif


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (480, 640)).save(out, format="PNG")
    return out.getvalue()


def pixel_bomb() -> bytes:
    """A small JPEG whose header claims 8000×6000 pixels (48 M, above the 40 M bound)."""
    data = bytearray(jpeg())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 6000, 8000)
    return bytes(data)


def by_file(batch: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["file"]: f for f in batch["files"]}


async def test_each_file_gets_its_own_result(world: World) -> None:
    ann, bob, cat = world.person("王芳"), world.person("李雷"), world.person("赵敏")
    await world.publish(world.record_event(ann), world.record_event(bob), world.record_event(cat))
    student = await world.student_owning(ann)
    with_gps = jpeg((10, 120, 200), exif=gps_exif())
    assert Image.open(io.BytesIO(with_gps)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    code = sign_collection_code(SETTINGS.collection_code_key, cat.record_id)
    await world.slot(student, "graduation", status="missing")  # the match has arrived
    batch = await world.upload(
        [
            world.identity_row("ann.jpg", "graduation", ann),
            world.identity_row("ann-adm.jpg", "admission", ann, student_number=""),
            world.identity_row("bob.jpg", "graduation", bob, name="李 雷 雷"),
            world.identity_row("bob2.jpg", "admission", bob, student_number="S0"),
            world.identity_row("ghost.jpg", "graduation", world.person()),
            world.identity_row("text.jpg", "graduation", ann),
            world.identity_row("small.jpg", "graduation", ann),
            world.identity_row("absent.jpg", "graduation", ann),
            world.identity_row("other.jpg", "graduation", ann, institution_code="X1"),
            world.identity_row("png.jpg", "graduation", ann),
            world.identity_row("pixels.jpg", "graduation", ann),
            world.identity_row("huge.jpg", "graduation", ann),
        ],
        {
            "ann.jpg": jpeg(),
            "ann-adm.jpg": with_gps,
            "bob.jpg": jpeg(),
            "bob2.jpg": jpeg(),
            "ghost.jpg": jpeg(),
            "text.jpg": b"\xff\xd8\xff but not really a JPEG",
            "small.jpg": jpeg(size=(640, 480)),
            "stray.jpg": jpeg(),
            "png.jpg": png(),
            "pixels.jpg": pixel_bomb(),
            "huge.jpg": os.urandom(SETTINGS.max_file_bytes + 1),
        },
    )
    files = by_file(batch)
    assert files["ann.jpg"]["status"] == "linked"
    assert files["ann-adm.jpg"]["status"] == "linked"
    assert files["bob.jpg"] | {"photo_id": None} == {
        "file": "bob.jpg",
        "photo_id": None,
        "status": "unlinked",
        "reason": "name_mismatch",
        "findings": None,  # only linked photos are checked by machine
    }
    assert files["bob2.jpg"]["reason"] == "student_number_mismatch"
    assert files["ghost.jpg"]["reason"] == "no_record"
    assert files["text.jpg"] == {
        "file": "text.jpg",
        "photo_id": None,
        "status": "invalid",
        "reason": "image_corrupt",
        "findings": None,
    }
    assert files["ann.jpg"]["reason"] is None
    assert files["small.jpg"]["reason"] == "wrong_dimensions"
    assert files["absent.jpg"]["reason"] == "missing_in_archive"
    assert files["other.jpg"]["reason"] == "out_of_scope"
    assert files["stray.jpg"]["reason"] == "not_in_manifest"
    assert files["png.jpg"]["reason"] == "not_jpeg"
    assert files["pixels.jpg"]["reason"] == "image_too_large"
    assert files["huge.jpg"]["reason"] == "file_too_large"
    assert (batch["total"], batch["linked"], batch["unlinked"], batch["invalid"]) == (13, 2, 3, 8)

    code_batch = await world.post_batch(
        f"file,kind,collection_code\ncat.jpg,graduation,{code}\nfake.jpg,graduation,JD1AAAA\n",
        zipped({"cat.jpg": jpeg(), "fake.jpg": jpeg()}),
    )
    assert code_batch.status_code == 202, code_batch.text
    coded = by_file(await world.batch_done(code_batch.json()["batch_id"]))
    assert coded["cat.jpg"]["status"] == "linked"
    assert coded["fake.jpg"]["reason"] == "collection_code_invalid"

    admission = await world.slot(student, "admission", status="pending")
    image = await world.gateway.get(admission["image_url"], headers=student.headers)
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert "private" in image.headers["cache-control"]
    served = Image.open(io.BytesIO(image.content))
    assert served.size == (480, 640) and not served.getexif() and b"Exif" not in image.content
    again = await world.gateway.get(
        admission["image_url"],
        headers={**student.headers, "If-None-Match": image.headers["etag"]},
    )
    assert again.status_code == 304
    staff = await world.gateway.get(admission["image_url"], headers=world.registrar.headers)
    assert staff.status_code == 200
    stranger = await world.student_owning(world.person())
    refused = await world.gateway.get(admission["image_url"], headers=stranger.headers)
    assert refused.status_code == 403


async def test_a_photo_before_its_record_links_when_the_record_arrives(world: World) -> None:
    dan = world.person("孙丽")
    batch = await world.upload(
        [world.identity_row("dan.jpg", "graduation", dan)], {"dan.jpg": jpeg()}
    )
    assert by_file(batch)["dan.jpg"]["reason"] == "no_record"
    photo_id = by_file(batch)["dan.jpg"]["photo_id"]
    await world.publish(world.record_event(dan, name="孙莉"))  # a typo in the registry
    student = await world.student_owning(dan)
    await world.slot(student, "graduation", status="missing")
    await world.publish(world.corrected_event(dan))
    await world.slot(student, "graduation", status="pending", photo_id=photo_id)
    report = await world.batch_done(batch["batch_id"])
    assert by_file(report)["dan.jpg"]["status"] == "linked"


@pytest.mark.parametrize(
    ("archive", "status", "code"),
    [
        (zipped({"bomb.jpg": bytes(20 * 1024 * 1024)}), 422, "zip_bomb"),
        (b"not a zip at all", 422, "archive_invalid"),
    ],
)
async def test_archives_refused_whole(world: World, archive: bytes, status: int, code: str) -> None:
    answer = await world.post_batch("file,kind,collection_code\nbomb.jpg,graduation,x\n", archive)
    assert answer.status_code == status, answer.text
    assert answer.json()["code"] == code


async def test_manifest_and_role_problems(world: World) -> None:
    bad = await world.post_batch("name,age\n", zipped({"a.jpg": jpeg()}))
    assert bad.status_code == 422 and bad.json()["code"] == "manifest_invalid"
    no_parts = await world.gateway.post(
        "/api/photos/v1/batches", files={"x": ("x", b"1")}, headers=world.photographer.headers
    )
    assert no_parts.status_code == 422 and no_parts.json()["code"] == "archive_missing"
    student = await world.student_owning(world.person())
    refused = await world.post_batch("file,kind,collection_code\n", zipped({}), token=student)
    assert refused.status_code == 403
