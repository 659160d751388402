"""Photo checks by machine (issue 18): the engine against raw dlib on the same images.

``raw dlib`` is the least a check can do: decode, HOG detector, 68 landmarks and the
ResNet descriptor in a plain loop. ``engine`` is what the photos worker calls per photo
(jiaodui_photos.checks.check_photo: the same dlib calls plus the rules' pixel
measurements and findings). Both run in this process, one after the other, over the same
mix of portraits (two people, byte-unique) and faulty pictures. Rates are photos per
CPU-second of this process (the stack and other work share the machine's cores, so wall
time says more about the neighbours than about the engine); wall time is in the notes.
"""

from __future__ import annotations

import io
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from jiaodui_photos.checks import CheckSettings, FaceAnalyser, check_photo
from jiaodui_photos.checks.faces import EMBEDDING_MODEL, LANDMARKS_MODEL, models_dir
from jiaodui_runtime.testing import faces
from PIL import Image

from bench.report import Row

IMAGES = int(os.environ.get("BENCH_PHOTO_CHECK_IMAGES", "200"))
UPSAMPLE = [int(u) for u in os.environ.get("BENCH_PHOTO_CHECK_UPSAMPLE", "0,1").split(",")]


def images(n: int) -> list[bytes]:
    """9 in 10 byte-unique portraits (both people), 1 in 10 faulty (two faces, none, ...)."""
    faulty = [faces.two_faces(), faces.no_face(), faces.blank(), faces.too_dark()]
    return [
        faulty[(i // 10) % len(faulty)]
        if i % 10 == 9
        else faces.unique_portrait(i, faces.PEOPLE[i % len(faces.PEOPLE)])
        for i in range(n)
    ]


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


def _run(fn: Callable[[bytes], object], batch: list[bytes]) -> tuple[float, float, list[float]]:
    """(photos per CPU-second, photos per wall-second, CPU seconds of each photo)."""
    fn(batch[0])  # warm up (the first call allocates the network's buffers)
    each = []
    cpu, wall = time.process_time(), time.perf_counter()
    for jpeg in batch:
        t = time.process_time()
        fn(jpeg)
        each.append(time.process_time() - t)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return len(batch) / cpu, len(batch) / wall, each


async def photo_checks() -> list[Row]:
    batch = images(IMAGES)
    rows = []
    for upsample in UPSAMPLE:
        analyser = FaceAnalyser(CheckSettings(detector_upsample=upsample))
        raw_cpu, raw_wall, _ = _run(RawDlib(upsample), batch)
        ours_cpu, ours_wall, each = _run(lambda j, a=analyser: check_photo(a, j), batch)
        p50 = statistics.median(each) * 1000
        p99 = sorted(each)[max(0, int(len(each) * 0.99) - 1)] * 1000
        rows.append(
            Row(
                "photo_checks",
                f"photos checked per CPU-second, upsample {upsample}",
                ours_cpu,
                raw_cpu,
                "photos/s",
                "≥ 90 % of raw dlib; ≤ 0.3 s a photo on one core",
                baseline_name="raw dlib: decode+detect+landmarks+descriptor",
                notes=f"{len(batch)} images 480×640 (9 in 10 portraits of two people, 1 in 10 "
                f"faulty); engine CPU per photo p50 {p50:.0f} ms, p99 {p99:.0f} ms; wall "
                f"{ours_wall:.1f} vs raw {raw_wall:.1f} photos/s on the shared machine",
            )
        )
    return rows
