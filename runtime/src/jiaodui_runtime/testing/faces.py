"""Test photographs: real faces from installed packages, laid out as certificate photos.

Only pictures that ship inside installed packages, or that code draws, are used:
scikit-image's ``astronaut.png`` (Eileen Collins) and matplotlib's
``grace_hopper.jpg`` (Grace Hopper): two different people (no other picture in
the installed packages holds a face dlib finds; scikit-image's cameraman is in
profile). The files are read from the packages' folders without importing the
packages.

:func:`portrait` scales and rotates a source so that the face sits where the
national rules want it in a 480×640 frame (face 200 px wide, eyes 275 px from
the top), keeps the head and shoulders and paints the rest plain light blue
(the rules' reference background), so a portrait passes every machine check.
Variants (shift, scale, JPEG quality, brightness) are the same person and still
pass; :func:`unique_portrait` gives any number of byte-different passing files.
The failing pictures (:func:`two_faces`, :func:`no_face`, :func:`blank`,
:func:`too_dark`, :func:`off_centre`, :func:`small_face`) each break one rule.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import math
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter

WIDTH, HEIGHT = 480, 640
BACKGROUND = (100, 197, 255)  # the rules' light blue, RGB<100,197,255>
# inside the rules' 180–300 px face width and 200–300 px eye line, with the hair's top
# (about 0.95 face widths above the eyes in both sources) at about 85 px, inside 50–110
FACE_WIDTH, EYE_Y = 200, 275


@dataclass(frozen=True, slots=True)
class Source:
    """Where a person's picture ships, and the face in it (measured once with dlib's
    68 landmarks: eye centre, jaw width 0–16, eye-line tilt) plus the head's outline."""

    package: str
    path: str
    centre_x: float
    eye_y: float
    face_width: float
    tilt: float  # radians, left eye to right eye
    head_top: float  # top of the hair, in the source
    head_half_width: float  # hair's half width at its widest, in the source
    chin_y: float


SOURCES: dict[str, Source] = {
    "astronaut": Source(
        "skimage", "data/astronaut.png", centre_x=225.5, eye_y=102.8, face_width=93.1,
        tilt=0.0615, head_top=15, head_half_width=76, chin_y=178.0,
    ),
    "hopper": Source(
        "matplotlib", "mpl-data/sample_data/grace_hopper.jpg", centre_x=266.5, eye_y=190.8,
        face_width=177.2, tilt=-0.0388, head_top=22, head_half_width=120, chin_y=333.0,
    ),
}  # fmt: skip
PEOPLE = tuple(SOURCES)
VARIANTS: dict[str, dict[str, Any]] = {
    "standard": {},
    "shifted": {"dx": 14, "dy": -12},
    "smaller": {"face_width": 186},
    "larger": {"face_width": 224},
    "recompressed": {"quality": 62},
    "darker": {"brightness": 0.85},
    "brighter": {"brightness": 1.12},
}


def source_path(person: str) -> Path:
    source = SOURCES[person]
    spec = importlib.util.find_spec(source.package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"{source.package} is not installed: it ships the {person} picture")
    return Path(next(iter(spec.submodule_search_locations))) / source.path


@functools.lru_cache(maxsize=8)
def source_image(person: str) -> Image.Image:
    with Image.open(source_path(person)) as image:
        return image.convert("RGB")


def portrait(
    person: str = "astronaut",
    variant: str = "standard",
    *,
    face_width: float | None = None,
    dx: float | None = None,
    dy: float | None = None,
    quality: int | None = None,
    brightness: float | None = None,
    background: tuple[int, int, int] = BACKGROUND,
    size: tuple[int, int] = (WIDTH, HEIGHT),
) -> bytes:
    """``person``'s certificate photo as JPEG bytes; keywords override the variant's."""
    v = VARIANTS[variant]
    image = _portrait_image(
        person,
        face_width=face_width if face_width is not None else v.get("face_width", FACE_WIDTH),
        dx=dx if dx is not None else v.get("dx", 0),
        dy=dy if dy is not None else v.get("dy", 0),
        brightness=brightness if brightness is not None else v.get("brightness", 1.0),
        background=background,
        size=size,
    )
    return _jpeg(image, quality if quality is not None else v.get("quality", 90))


def unique_portrait(seed: int | str, person: str = "astronaut") -> bytes:
    """A passing portrait of ``person`` whose pixels differ with ``seed`` (uploads are
    stored by content hash: tests need a different file per student)."""
    rng = random.Random(f"{person}:{seed}")
    tint = tuple(min(255, max(0, c + rng.randint(-4, 4))) for c in BACKGROUND)
    return portrait(
        person,
        face_width=rng.uniform(192, 212),
        dx=rng.uniform(-10, 10),
        dy=rng.uniform(-8, 8),
        quality=rng.randint(82, 95),
        background=(tint[0], tint[1], tint[2]),
    )


def two_faces(left: str = "astronaut", right: str = "hopper") -> bytes:
    """Two portraits side by side in one 480×640 frame (``several_faces``)."""
    canvas = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    for i, person in enumerate((left, right)):
        half = _portrait_image(person, face_width=FACE_WIDTH, dx=0, dy=0, brightness=1.0)
        canvas.paste(half.resize((WIDTH // 2, HEIGHT // 2)), (i * WIDTH // 2, HEIGHT // 4))
    return _jpeg(canvas, 90)


def blend(weight: float, first: str = "astronaut", second: str = "hopper") -> bytes:
    """Two people's portraits cross-faded (``weight`` of the second): a face between
    both, for distances between "same" and "different" (the ``uncertain`` band)."""
    one, two = (_portrait_image(p, face_width=FACE_WIDTH, dx=0, dy=0, brightness=1.0)
                for p in (first, second))  # fmt: skip
    return _jpeg(Image.blend(one, two, weight), 90)


def pair(verdict: str) -> tuple[bytes, bytes]:
    """(admission, graduation) photos whose comparison gives ``verdict`` with the default
    thresholds (distances measured in docs/notes/issue-18-engine.md): ``pass`` the same
    person, ``fail`` two people, ``uncertain`` a person and a 55 % cross-fade towards
    another (distance about 0.56), ``anomaly`` a graduation photo with two faces."""
    admission = portrait("astronaut", "smaller")
    graduation = {
        "pass": lambda: portrait("astronaut"),
        "fail": lambda: portrait("hopper"),
        "uncertain": lambda: blend(0.55),
        "anomaly": lambda: two_faces(),
    }[verdict]()
    return admission, graduation


def no_face() -> bytes:
    """scikit-image's coffee cup (``coffee.png``), cropped to 480×640."""
    path = source_path("astronaut").with_name("coffee.png")
    with Image.open(path) as image:
        cup = image.convert("RGB")
    scale = HEIGHT / cup.height
    cup = cup.resize((round(cup.width * scale), HEIGHT))
    left = (cup.width - WIDTH) // 2
    return _jpeg(cup.crop((left, 0, left + WIDTH, HEIGHT)), 90)


def blank(colour: tuple[int, int, int] = BACKGROUND) -> bytes:
    return _jpeg(Image.new("RGB", (WIDTH, HEIGHT), colour), 90)


def too_dark(person: str = "astronaut") -> bytes:
    return portrait(person, brightness=0.3)


def off_centre(person: str = "astronaut") -> bytes:
    return portrait(person, dx=85, face_width=200)


def small_face(person: str = "astronaut") -> bytes:
    return portrait(person, face_width=150)


def _portrait_image(
    person: str,
    *,
    face_width: float,
    dx: float,
    dy: float,
    brightness: float,
    background: tuple[int, int, int] = BACKGROUND,
    size: tuple[int, int] = (WIDTH, HEIGHT),
) -> Image.Image:
    s = SOURCES[person]
    sw, sh = size[0] / WIDTH, size[1] / HEIGHT
    k = face_width * sw / s.face_width
    cx, ey = size[0] / 2 + dx * sw, EYE_Y * sh + dy * sh
    cos, sin = math.cos(s.tilt), math.sin(s.tilt)
    # output (x, y) -> source: rotate by the tilt about the eyes' centre, scale by 1/k
    matrix = (
        cos / k, -sin / k, s.centre_x - (cos * cx - sin * ey) / k,
        sin / k, cos / k, s.eye_y - (sin * cx + cos * ey) / k,
    )  # fmt: skip
    layer = source_image(person).transform(
        size, Image.Transform.AFFINE, matrix, Image.Resampling.BICUBIC, fillcolor=background
    )
    plain = Image.new("RGB", size, background)
    image = Image.composite(layer, plain, _mask(s, size, k, cx, ey))
    return ImageEnhance.Brightness(image).enhance(brightness) if brightness != 1.0 else image


def _mask(s: Source, size: tuple[int, int], k: float, cx: float, ey: float) -> Image.Image:
    """White where the person is: the head's ellipse, the neck and the shoulders."""
    top = ey - (s.eye_y - s.head_top) * k
    chin = ey + (s.chin_y - s.eye_y) * k
    half = s.head_half_width * k
    fw = s.face_width * k
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    draw.ellipse((cx - half, top - 2, cx + half, chin + 0.15 * fw), fill=255)
    outline = [(0.35, -0.1), (0.55, 0.2), (1.25, 0.55), (1.6, size[1])]
    right = [(cx + dx * fw, chin + dy * fw if dy < 1 else dy) for dx, dy in outline]
    left = [(cx - dx * fw, chin + dy * fw if dy < 1 else dy) for dx, dy in reversed(outline)]
    draw.polygon(right + left, fill=255)
    return mask.filter(ImageFilter.GaussianBlur(3))


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return out.getvalue()
