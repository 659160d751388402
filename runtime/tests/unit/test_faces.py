"""The test faces (jiaodui_runtime.testing.faces) as files; what dlib finds in them is
tested with the engine (services/photos/tests/unit/test_checks_engine.py)."""

from __future__ import annotations

import io

import pytest
from jiaodui_runtime.testing import faces
from PIL import Image


def opened(jpeg: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(jpeg))
    assert image.format == "JPEG"
    return image


@pytest.mark.parametrize("person", faces.PEOPLE)
def test_the_sources_ship_in_installed_packages(person: str) -> None:
    assert faces.source_path(person).is_file()
    assert min(faces.source_image(person).size) >= 512


@pytest.mark.parametrize(
    "make",
    [faces.portrait, faces.two_faces, faces.no_face, faces.blank, faces.too_dark,
     faces.off_centre, faces.small_face, lambda: faces.unique_portrait(1),
     lambda: faces.blend(0.5)],
)  # fmt: skip
def test_every_picture_is_a_480_by_640_jpeg(make: object) -> None:
    assert opened(make()).size == (480, 640)  # type: ignore[operator]


def test_portraits_are_deterministic_and_unique_per_seed() -> None:
    assert faces.portrait("hopper", "shifted") == faces.portrait("hopper", "shifted")
    assert faces.unique_portrait("a") == faces.unique_portrait("a")
    many = {faces.unique_portrait(seed, person) for seed in range(30) for person in faces.PEOPLE}
    assert len(many) == 60


def test_the_background_is_the_rules_light_blue() -> None:
    corner = opened(faces.portrait()).convert("RGB").getpixel((5, 5))
    assert isinstance(corner, tuple)
    assert all(abs(a - b) <= 3 for a, b in zip(corner, faces.BACKGROUND, strict=True))


@pytest.mark.parametrize("verdict", ["pass", "fail", "uncertain", "anomaly"])
def test_verdict_pairs_are_two_photos(verdict: str) -> None:
    admission, graduation = faces.pair(verdict)
    assert admission != graduation
    assert opened(graduation).size == (480, 640)


def test_another_size_on_request() -> None:
    assert opened(faces.portrait(size=(600, 800))).size == (600, 800)
