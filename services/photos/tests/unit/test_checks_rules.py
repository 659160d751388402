"""The national photo rules on measurements alone (no pixels, no dlib)."""

from __future__ import annotations

import dataclasses

import pytest
from jiaodui_photos.checks.compare import EMBEDDING_BYTES, compare
from jiaodui_photos.checks.rules import CODES, FaceGeometry, Finding, Measurements, evaluate
from jiaodui_photos.checks.settings import CheckSettings

SETTINGS = CheckSettings()
FACE = FaceGeometry(face_width=240, centre_x=240, eye_y=250, chin_y=410, head_top_y=75)
GOOD = Measurements(
    width=480,
    height=640,
    file_bytes=40_000,
    jpeg_quality=90,
    faces=1,
    face=FACE,
    background_std=2.0,
    background_spread=3.0,
    background_luminance=175.0,
    luminance=140.0,
    contrast=40.0,
    clipped=0.0,
)


def codes(m: Measurements) -> list[str]:
    return [f.code for f in evaluate(m, SETTINGS)]


def with_face(**changes: float) -> Measurements:
    return dataclasses.replace(GOOD, face=dataclasses.replace(FACE, **changes))


def test_a_photo_inside_every_range_has_no_finding() -> None:
    assert evaluate(GOOD, SETTINGS) == []


@pytest.mark.parametrize(
    ("changes", "finding"),
    [
        ({"face_width": 150}, Finding("face_too_small", 150.0)),
        ({"face_width": 320}, Finding("face_too_large", 320.0)),
        ({"centre_x": 300}, Finding("face_off_centre", 60.0)),
        ({"centre_x": 180}, Finding("face_off_centre", -60.0)),
        ({"eye_y": 190}, Finding("eyes_out_of_range", 190.0)),
        ({"eye_y": 310}, Finding("eyes_out_of_range", 310.0)),
        ({"head_top_y": 30}, Finding("head_top_out_of_range", 30.0)),
        ({"head_top_y": 130}, Finding("head_top_out_of_range", 130.0)),
    ],
)
def test_geometry_outside_the_rules_is_a_finding_with_the_measured_value(
    changes: dict[str, float], finding: Finding
) -> None:
    assert evaluate(with_face(**changes), SETTINGS) == [finding]


@pytest.mark.parametrize(
    ("field", "value"),
    [("face_width", 180), ("face_width", 300), ("eye_y", 200), ("eye_y", 300),
     ("head_top_y", 50), ("head_top_y", 110), ("centre_x", 288), ("centre_x", 192)],
)  # fmt: skip
def test_the_rules_bounds_are_inclusive(field: str, value: float) -> None:
    assert evaluate(with_face(**{field: value}), SETTINGS) == []


def test_geometry_of_another_size_is_judged_in_the_standard_frame() -> None:
    doubled = dataclasses.replace(
        GOOD,
        width=960,
        height=1280,
        face=FaceGeometry(face_width=480, centre_x=480, eye_y=500, chin_y=820, head_top_y=150),
    )
    assert evaluate(doubled, SETTINGS) == [Finding("wrong_dimensions", "960x1280")]


def test_faces_are_counted() -> None:
    assert codes(dataclasses.replace(GOOD, faces=0, face=None)) == ["no_face"]
    assert evaluate(dataclasses.replace(GOOD, faces=3), SETTINGS) == [Finding("several_faces", 3)]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"background_std": 30.0}, ["background_not_plain"]),
        ({"background_spread": 40.0}, ["background_not_plain"]),
        ({"background_luminance": 60.0}, ["background_not_light"]),
        ({"luminance": 40.0}, ["too_dark"]),
        ({"luminance": 235.0}, ["too_bright"]),
        ({"clipped": 0.3}, ["too_bright"]),
        ({"contrast": 5.0}, ["low_contrast"]),
        ({"jpeg_quality": 40.0}, ["jpeg_quality_low"]),
        ({"file_bytes": 4_000}, ["file_too_small"]),
        ({"file_bytes": 3_000_000}, ["file_too_large"]),
    ],
)
def test_picture_rules(changes: dict[str, float], expected: list[str]) -> None:
    assert codes(dataclasses.replace(GOOD, **changes)) == expected  # type: ignore[arg-type]


def test_every_code_is_listed_in_order() -> None:
    worst = dataclasses.replace(
        GOOD,
        width=100,
        height=100,
        jpeg_quality=20,
        file_bytes=1,
        background_std=99,
        background_luminance=10,
        luminance=10,
        contrast=1,
        face=FaceGeometry(face_width=10, centre_x=5, eye_y=1, chin_y=5, head_top_y=0),
    )
    found = codes(worst)
    assert set(found) <= set(CODES)
    assert found == sorted(found, key=CODES.index)


def test_thresholds_come_from_settings() -> None:
    strict = CheckSettings(face_width_min=250)
    assert evaluate(GOOD, strict) == [Finding("face_too_small", 240.0)]


def test_findings_and_measurements_serialise_as_json_values() -> None:
    finding = evaluate(with_face(face_width=150), SETTINGS)[0]
    assert finding.as_dict() == {"code": "face_too_small", "value": 150.0}
    flat = GOOD.as_dict()
    assert flat["face_width"] == 240.0 and flat["head_top_estimated"] == 0.0
    assert all(isinstance(v, float) for v in flat.values())


def test_settings_refuse_crossed_thresholds() -> None:
    with pytest.raises(ValueError, match="pass_max"):
        CheckSettings(pass_max=0.7, fail_min=0.6)


def vector(*values: float) -> bytes:
    import struct

    padded = list(values) + [0.0] * (128 - len(values))
    return struct.pack("<128f", *padded)


@pytest.mark.parametrize(
    ("other", "verdict"),
    [(vector(0.3), "pass"), (vector(0.45), "pass"), (vector(0.5), "uncertain"),
     (vector(0.6), "fail"), (vector(1.2), "fail")],
)  # fmt: skip
def test_comparison_verdict_by_distance(other: bytes, verdict: str) -> None:
    result = compare(vector(), other, pass_max=0.45, fail_min=0.6)
    assert result.verdict == verdict
    assert result.distance == pytest.approx(abs(struct_first(other)), abs=1e-4)


def struct_first(data: bytes) -> float:
    import struct

    return float(struct.unpack_from("<f", data)[0])


@pytest.mark.parametrize("missing", [(None, vector()), (vector(), None), (b"", vector())])
def test_no_usable_face_on_either_side_is_an_anomaly(missing: tuple[bytes | None, ...]) -> None:
    result = compare(*missing, pass_max=0.45, fail_min=0.6)
    assert (result.verdict, result.distance) == ("anomaly", None)
    assert EMBEDDING_BYTES == 512
