from __future__ import annotations

import io
from pathlib import Path

import pytest
from jiaodui_runtime.blobs import BlobNotFoundError, LocalBlobStore, blob_key
from jiaodui_runtime.images import ImageRejectedError, clean_jpeg
from PIL import Image


def jpeg(width: int = 48, height: int = 64, *, exif: bool = False) -> bytes:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCameraMaker"
        image.save(out, format="JPEG", exif=data.tobytes())
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def test_a_real_jpeg_is_reencoded_without_metadata() -> None:
    raw = jpeg(exif=True)
    assert b"SecretCameraMaker" in raw
    clean = clean_jpeg(raw)
    assert (clean.width, clean.height) == (48, 64)
    assert b"SecretCameraMaker" not in clean.data and b"Exif" not in clean.data
    assert Image.open(io.BytesIO(clean.data)).format == "JPEG"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"GIF89a...", "not_jpeg"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 40, "image_corrupt"),
    ],
)
def test_non_jpegs_and_broken_files_are_refused_by_content(raw: bytes, code: str) -> None:
    with pytest.raises(ImageRejectedError) as caught:
        clean_jpeg(raw)
    assert caught.value.code == code


def test_a_png_renamed_to_jpg_is_refused() -> None:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="PNG")
    with pytest.raises(ImageRejectedError):
        clean_jpeg(out.getvalue())


def test_pixel_bombs_are_refused_before_decoding() -> None:
    with pytest.raises(ImageRejectedError) as caught:
        clean_jpeg(jpeg(2000, 2000), max_pixels=1_000_000)
    assert caught.value.code == "image_too_large"


async def test_local_blobs_are_content_addressed(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    key = await store.put(b"hello", content_type="text/plain")
    assert key == blob_key(b"hello") and await store.put(b"hello", content_type="x") == key
    assert await store.get(key) == b"hello"
    await store.delete(key)
    with pytest.raises(BlobNotFoundError):
        await store.get(key)
    with pytest.raises(BlobNotFoundError):
        await store.get("sha256:../../etc/passwd")
