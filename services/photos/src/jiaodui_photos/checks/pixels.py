"""Pixel measurements for the rules: decoding, background, exposure, head top, JPEG quality.

numpy and Pillow only (no dlib): each function takes the decoded image and returns numbers.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image

Rgb = npt.NDArray[np.uint8]
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)
# ITU-T T.81 Annex K luminance table: what IJG's quality scaling starts from
_STD_LUMINANCE_SUM = sum(
    (16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
     14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
     18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
     49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99)
)  # fmt: skip
_HEAD_EDGE = 40  # channel difference from the background that counts as hair or skin


@dataclass(frozen=True, slots=True)
class Decoded:
    rgb: Rgb
    width: int  # of the file, before any scaling down
    height: int
    scale: float  # rgb = file scaled by this (1.0 unless the file was larger than max_side)
    jpeg_quality: float | None


@dataclass(frozen=True, slots=True)
class Background:
    std: float
    spread: float
    luminance: float
    colour: npt.NDArray[np.float32]


def decode(jpeg: bytes, *, max_side: int) -> Decoded | None:
    """The image as RGB, scaled down to ``max_side``; None when it cannot be decoded."""
    try:
        with Image.open(io.BytesIO(jpeg)) as image:
            quality = jpeg_quality(image)
            width, height = image.size
            scale = min(1.0, max_side / max(width, height))
            rgb = image.convert("RGB")
            if scale < 1.0:
                size = (max(1, round(width * scale)), max(1, round(height * scale)))
                rgb = rgb.resize(size, Image.Resampling.BILINEAR)
            return Decoded(np.asarray(rgb, dtype=np.uint8), width, height, scale, quality)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None


def jpeg_quality(image: Image.Image) -> float | None:
    """IJG quality (1–100) estimated from the luminance quantisation table."""
    tables = getattr(image, "quantization", None)
    if image.format != "JPEG" or not tables or 0 not in tables:
        return None
    scale = 100.0 * float(sum(tables[0])) / _STD_LUMINANCE_SUM
    quality = (200.0 - scale) / 2.0 if scale <= 100.0 else 5000.0 / scale
    return round(min(100.0, max(1.0, quality)), 1)


def background(rgb: Rgb) -> Background:
    """The top corners and the strip above the head, where the rules want plain background."""
    h, w = rgb.shape[:2]
    cw, ch, sh = max(1, int(w * 0.15)), max(1, int(h * 0.22)), max(1, int(h * 0.06))
    patches = [rgb[:ch, :cw], rgb[:ch, w - cw :], rgb[:sh, cw : w - cw]]
    pixels = [p.reshape(-1, 3).astype(np.float32) for p in patches if p.size]
    means = [p.mean(axis=0) for p in pixels]
    std = max(float(p.std(axis=0).mean()) for p in pixels)
    spread = max(
        (float(np.linalg.norm(a - b)) for i, a in enumerate(means) for b in means[i + 1 :]),
        default=0.0,
    )
    colour = np.concatenate(pixels).mean(axis=0)
    return Background(std, spread, float(colour @ _LUMA), colour)


def exposure(rgb: Rgb, box: tuple[int, int, int, int] | None) -> tuple[float, float, float]:
    """(mean luminance, its standard deviation, share of blown-out pixels) of ``box``
    (left, top, right, bottom), or of the whole image."""
    region = rgb if box is None else rgb[box[1] : box[3], box[0] : box[2]]
    if region.size == 0:
        region = rgb
    luma = region.reshape(-1, 3).astype(np.float32) @ _LUMA
    return float(luma.mean()), float(luma.std()), float((luma >= 250).mean())


def head_top(rgb: Rgb, colour: npt.NDArray[np.float32], *, centre_x: float, face_width: float,
             eye_y: float) -> float | None:  # fmt: skip
    """The first row above the eyes where the middle of the head departs from the
    background colour (the top of the hair); None when no such row is found."""
    h, w = rgb.shape[:2]
    left = int(max(0, centre_x - face_width / 4))
    right = int(min(w, centre_x + face_width / 4))
    bottom = int(min(h, max(0, eye_y)))
    if right <= left or bottom < 4:
        return None
    band = rgb[:bottom, left:right].astype(np.float32)
    departs = (np.abs(band - colour).max(axis=2) > _HEAD_EDGE).mean(axis=1) > 0.5
    for y in range(bottom - 3):
        if departs[y : y + 4].all():
            return float(y)
    return None
