"""The national photo rules as pure checks on measurements (no dlib, no pixels).

Every finding carries the measured value, so the batch result can show why and
the registrar decides. Geometry is compared in pixels of the standard frame: a
photo of another size is scaled to it first (and gets ``wrong_dimensions``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from jiaodui_photos.checks.settings import CheckSettings

# every code a finding can have (the engine adds ``unreadable``), in evaluation order
CODES = (
    "unreadable",
    "wrong_dimensions",
    "jpeg_quality_low",
    "file_too_small",
    "file_too_large",
    "no_face",
    "several_faces",
    "face_too_small",
    "face_too_large",
    "face_off_centre",
    "eyes_out_of_range",
    "head_top_out_of_range",
    "background_not_plain",
    "background_not_light",
    "too_dark",
    "too_bright",
    "low_contrast",
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule the photo breaks, with the measured value (JSON-serialisable)."""

    code: str
    value: float | str | None = None

    def as_dict(self) -> dict[str, float | str | None]:
        return {"code": self.code, "value": self.value}


@dataclass(frozen=True, slots=True)
class FaceGeometry:
    """The largest face, in pixels of the analysed image (y grows downwards)."""

    face_width: float  # jaw outline, landmark 0 to 16
    centre_x: float
    eye_y: float  # mean of both eyes' landmarks
    chin_y: float  # landmark 8
    head_top_y: float  # top of the hair, scanned against the background (or estimated)
    head_top_estimated: bool = False


@dataclass(frozen=True, slots=True)
class Measurements:
    width: int
    height: int
    file_bytes: int
    jpeg_quality: float | None  # estimated from the quantisation tables
    faces: int
    face: FaceGeometry | None
    background_std: float
    background_spread: float
    background_luminance: float
    luminance: float  # of the face, or of the whole image without one
    contrast: float
    clipped: float

    def as_dict(self) -> dict[str, float]:
        """Flat, in pixels of the analysed image; what the store records."""
        flat: dict[str, float] = {}
        for key, value in asdict(self).items():
            if key == "face":
                for k, v in (value or {}).items():
                    flat[k] = float(v)
            elif value is not None:
                flat[key] = round(float(value), 4)
        return flat


def evaluate(m: Measurements, s: CheckSettings) -> list[Finding]:
    """Every rule ``m`` breaks, in a fixed order."""
    findings = _file(m, s)
    if m.faces == 0:
        findings.append(Finding("no_face", 0))
    elif m.faces > 1:
        findings.append(Finding("several_faces", m.faces))
    if m.faces == 1 and m.face is not None:
        findings += _geometry(m, m.face, s)
    findings += _background(m, s) + _exposure(m, s)
    return findings


def _file(m: Measurements, s: CheckSettings) -> list[Finding]:
    found = []
    if (m.width, m.height) != (s.photo_width, s.photo_height):
        found.append(Finding("wrong_dimensions", f"{m.width}x{m.height}"))
    if m.jpeg_quality is not None and m.jpeg_quality < s.jpeg_quality_min:
        found.append(Finding("jpeg_quality_low", round(m.jpeg_quality, 1)))
    if m.file_bytes < s.file_bytes_min:
        found.append(Finding("file_too_small", m.file_bytes))
    if m.file_bytes > s.file_bytes_max:
        found.append(Finding("file_too_large", m.file_bytes))
    return found


def _geometry(m: Measurements, f: FaceGeometry, s: CheckSettings) -> list[Finding]:
    sx, sy = s.photo_width / m.width, s.photo_height / m.height
    width = _r(f.face_width * sx)
    off = _r(f.centre_x * sx - s.photo_width / 2)
    eyes, top = _r(f.eye_y * sy), _r(f.head_top_y * sy)
    found = []
    if width < s.face_width_min:
        found.append(Finding("face_too_small", width))
    elif width > s.face_width_max:
        found.append(Finding("face_too_large", width))
    if abs(off) > s.centre_tolerance:
        found.append(Finding("face_off_centre", off))
    if not s.eye_line_min <= eyes <= s.eye_line_max:
        found.append(Finding("eyes_out_of_range", eyes))
    if not s.head_top_min <= top <= s.head_top_max:
        found.append(Finding("head_top_out_of_range", top))
    return found


def _background(m: Measurements, s: CheckSettings) -> list[Finding]:
    found = []
    if m.background_std > s.background_std_max or m.background_spread > s.background_spread_max:
        found.append(
            Finding("background_not_plain", _r(max(m.background_std, m.background_spread)))
        )
    if m.background_luminance < s.background_luminance_min:
        found.append(Finding("background_not_light", _r(m.background_luminance)))
    return found


def _exposure(m: Measurements, s: CheckSettings) -> list[Finding]:
    found = []
    if m.luminance < s.luminance_min:
        found.append(Finding("too_dark", _r(m.luminance)))
    elif m.luminance > s.luminance_max or m.clipped > s.clipped_max:
        found.append(Finding("too_bright", _r(m.luminance)))
    if m.contrast < s.contrast_min:
        found.append(Finding("low_contrast", _r(m.contrast)))
    return found


def _r(value: float) -> float:
    return round(float(value), 1)
