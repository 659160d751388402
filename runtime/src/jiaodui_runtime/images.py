"""JPEG checking and re-encoding for photos and ID scans.

Checked by content (magic bytes and a real decode), never by name; the pixel
count is bounded before decoding (decompression bombs); the re-encode drops EXIF
and every other metadata block.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

JPEG_MAGIC = b"\xff\xd8\xff"
DEFAULT_MAX_PIXELS = 40_000_000


class ImageRejectedError(ValueError):
    """The bytes are not an acceptable JPEG; ``code`` names why."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(detail or code)
        self.code = code


@dataclass(frozen=True, slots=True)
class CleanJpeg:
    data: bytes
    width: int
    height: int


def clean_jpeg(raw: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS, quality: int = 90) -> CleanJpeg:
    """Validate ``raw`` as a JPEG and return it re-encoded without metadata."""
    if not raw.startswith(JPEG_MAGIC):
        raise ImageRejectedError("not_jpeg", "The file is not a JPEG image.")
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            if probe.format != "JPEG":
                raise ImageRejectedError("not_jpeg", "The file is not a JPEG image.")
            width, height = probe.size
            if width * height > max_pixels:
                raise ImageRejectedError("image_too_large", "The image has too many pixels.")
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                probe.load()
            image = probe.convert("RGB")
    except ImageRejectedError:
        raise
    except Image.DecompressionBombError as exc:  # a header claiming far too many pixels
        raise ImageRejectedError("image_too_large", "The image has too many pixels.") from exc
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise ImageRejectedError("image_corrupt", "The image could not be decoded.") from exc
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, optimize=True)  # no exif= : metadata dropped
    return CleanJpeg(data=out.getvalue(), width=width, height=height)
