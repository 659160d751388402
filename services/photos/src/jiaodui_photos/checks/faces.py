"""The dlib adapter: one face detector, 68-point landmarks and the ResNet embedding.

Build one :class:`FaceAnalyser` per worker process: the models (about 100 MB) are
loaded in ``__init__``, never at import time. ``analyse`` is CPU-bound and
synchronous; call it off the event loop.
"""

from __future__ import annotations

import importlib.util
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from jiaodui_photos.checks import pixels
from jiaodui_photos.checks.rules import FaceGeometry, Finding, Measurements, evaluate
from jiaodui_photos.checks.settings import CheckSettings

LANDMARKS_MODEL = "shape_predictor_68_face_landmarks.dat"
EMBEDDING_MODEL = "dlib_face_recognition_resnet_model_v1.dat"
_EYES = slice(36, 48)
_CHIN = 8
_HEAD_ABOVE_EYES = 1.1  # top of the hair ≈ eyes − 1.1 × (chin − eyes) when it cannot be seen


@dataclass(frozen=True, slots=True)
class PhotoAnalysis:
    """What one photo shows: its measurements, the rules it breaks, and its face."""

    measurements: Measurements | None  # None: the bytes could not be decoded
    findings: list[Finding]
    embedding: bytes | None  # 128 float32; only when exactly one face was found
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def usable_face(self) -> bool:
        return self.embedding is not None


def models_dir() -> Path:
    """Where the ``face_recognition_models`` package keeps its model files.

    Found without importing the package (its ``__init__`` imports pkg_resources)."""
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the face_recognition_models package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "models"


class FaceAnalyser:
    def __init__(
        self, settings: CheckSettings | None = None, *, models: Path | None = None
    ) -> None:
        import dlib  # the C extension: imported by the process that analyses, not by importers

        folder = models or models_dir()
        self.settings = settings or CheckSettings()
        self._detector: Any = dlib.get_frontal_face_detector()
        self._landmarks: Any = dlib.shape_predictor(str(folder / LANDMARKS_MODEL))
        self._encoder: Any = dlib.face_recognition_model_v1(str(folder / EMBEDDING_MODEL))

    def analyse(self, jpeg: bytes) -> PhotoAnalysis:
        s = self.settings
        started = time.perf_counter()
        decoded = pixels.decode(jpeg, max_side=s.max_side)
        if decoded is None:
            return PhotoAnalysis(None, [Finding("unreadable")], None)
        rgb, timings = decoded.rgb, {"decode": _ms(started)}
        mark = time.perf_counter()
        boxes = list(self._detector(rgb, s.detector_upsample))
        timings["detect"] = _ms(mark)
        # background and exposure are averages: every other pixel measures them as well
        half = rgb[::2, ::2]
        bg = pixels.background(half)
        geometry, box, embedding = None, None, None
        if boxes:
            largest = max(boxes, key=lambda r: r.width() * r.height())
            mark = time.perf_counter()
            shape = self._landmarks(rgb, largest)
            points = np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float32)
            timings["landmarks"] = _ms(mark)
            geometry = self._geometry(rgb, points, bg, 1.0 / decoded.scale)
            box = _inner_box(points, rgb.shape[1], rgb.shape[0])
            if len(boxes) == 1:
                mark = time.perf_counter()
                vector = self._encoder.compute_face_descriptor(rgb, shape, s.num_jitters)
                embedding = np.asarray(vector, dtype="<f4").tobytes()
                timings["embed"] = _ms(mark)
        luminance, contrast, clipped = pixels.exposure(
            half, None if box is None else (box[0] // 2, box[1] // 2, box[2] // 2, box[3] // 2)
        )
        measured = Measurements(
            width=decoded.width,
            height=decoded.height,
            file_bytes=len(jpeg),
            jpeg_quality=decoded.jpeg_quality,
            faces=len(boxes),
            face=geometry,
            background_std=bg.std,
            background_spread=bg.spread,
            background_luminance=bg.luminance,
            luminance=luminance,
            contrast=contrast,
            clipped=clipped,
        )
        timings["total"] = _ms(started)
        return PhotoAnalysis(measured, evaluate(measured, s), embedding, timings)

    def _geometry(
        self, rgb: pixels.Rgb, points: np.ndarray[Any, Any], bg: pixels.Background, back: float
    ) -> FaceGeometry:
        eye_y = float(points[_EYES, 1].mean())
        chin_y = float(points[_CHIN, 1])
        centre_x = float((points[0, 0] + points[16, 0]) / 2)
        face_width = float(np.linalg.norm(points[16] - points[0]))
        plain = (
            bg.std <= self.settings.background_std_max
            and bg.spread <= self.settings.background_spread_max
        )
        top = (
            pixels.head_top(rgb, bg.colour, centre_x=centre_x, face_width=face_width, eye_y=eye_y)
            if plain
            else None
        )
        estimated = top is None
        if top is None:
            top = eye_y - _HEAD_ABOVE_EYES * (chin_y - eye_y)
        return FaceGeometry(
            face_width=round(face_width * back, 1),
            centre_x=round(centre_x * back, 1),
            eye_y=round(eye_y * back, 1),
            chin_y=round(chin_y * back, 1),
            head_top_y=round(top * back, 1),
            head_top_estimated=estimated,
        )


def _inner_box(points: np.ndarray[Any, Any], width: int, height: int) -> tuple[int, int, int, int]:
    """Brows to chin, cheek to cheek, narrowed by a tenth each side (skin, not background)."""
    left, top = points.min(axis=0)
    right, bottom = points.max(axis=0)
    inset = (right - left) * 0.1
    return (
        int(max(0, left + inset)),
        int(max(0, top)),
        int(min(width, right - inset)),
        int(min(height, bottom)),
    )


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)
