"""Photo checks by machine (issue 18): the engine against raw dlib on the same images.

``raw dlib`` is the least a check can do: decode, HOG detector, 68 landmarks and the
ResNet descriptor in a plain loop. ``engine`` is what the photos worker calls per photo
(jiaodui_photos.checks.check_photo: the same dlib calls plus the rules' pixel
measurements and findings). Both run in this process on one core, over the same mix of
portraits (three people, byte-unique) and faulty pictures; the ratio is the engine's
overhead.
"""

from __future__ import annotations

import io
import os
import statistics
import time
from typing import Any

import numpy as np
from jiaodui_photos.checks import CheckSettings, FaceAnalyser, check_photo
from jiaodui_photos.checks.faces import EMBEDDING_MODEL, LANDMARKS_MODEL, models_dir
from jiaodui_runtime.testing import faces
from PIL import Image

from bench.report import Row

IMAGES = int(os.environ.get("BENCH_PHOTO_CHECK_IMAGES", "240"))


def images(n: int) -> list[bytes]:
    faulty = [faces.two_faces(), faces.no_face(), faces.blank(), faces.too_dark()]
    out = []
    for i in range(n):
        if i % 10 == 9:
            out.append(faulty[(i // 10) % len(faulty)])
        else:
            out.append(faces.unique_portrait(i, faces.PEOPLE[i % len(faces.PEOPLE)]))
    return out


class RawDlib:
    def __init__(self, upsample: int) -> None:
        import dlib

        folder = models_dir()
        self.upsample = upsample
        self.detector: Any = dlib.get_frontal_face_detector()
        self.landmarks: Any = dlib.shape_predictor(str(folder / LANDMARKS_MODEL))
        self.encoder: Any = dlib.face_recognition_model_v1(str(folder / EMBEDDING_MODEL))

    def __call__(self, jpeg: bytes) -> bytes | None:
        with Image.open(io.BytesIO(jpeg)) as image:
            rgb = np.asarray(image.convert("RGB"))
        boxes = self.detector(rgb, self.upsample)
        if len(boxes) != 1:
            return None
        shape = self.landmarks(rgb, boxes[0])
        return np.asarray(self.encoder.compute_face_descriptor(rgb, shape, 1), "<f4").tobytes()


def _rate(fn: Any, batch: list[bytes]) -> tuple[float, list[float]]:
    fn(batch[0])  # warm up (first call allocates the network's buffers)
    each = []
    started = time.perf_counter()
    for jpeg in batch:
        t = time.perf_counter()
        fn(jpeg)
        each.append(time.perf_counter() - t)
    return len(batch) / (time.perf_counter() - started), each


async def photo_checks() -> list[Row]:
    batch = images(IMAGES)
    rows = []
    for upsample in (0, 1):
        settings = CheckSettings(detector_upsample=upsample)
        analyser = FaceAnalyser(settings)
        raw_rate, _ = _rate(RawDlib(upsample), batch)
        ours_rate, each = _rate(lambda j, a=analyser: check_photo(a, j), batch)
        p50 = statistics.median(each) * 1000
        p99 = sorted(each)[int(len(each) * 0.99) - 1] * 1000
        rows.append(
            Row(
                "photo_checks",
                f"photos checked/s, one core, upsample {upsample}",
                ours_rate,
                raw_rate,
                "photos/s",
                "≥ 90 % of raw dlib; ≤ 0.3 s a photo",
                baseline_name="raw dlib: detect+landmarks+descriptor",
                notes=f"{len(batch)} images 480×640 (9 in 10 portraits of 3 people, 1 in 10 faulty); "
                f"engine per photo p50 {p50:.0f} ms, p99 {p99:.0f} ms",
            )
        )
    return rows
