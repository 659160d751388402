"""Graduation vs admission photo: the distance of two face embeddings, as a verdict."""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from typing import Literal

EMBEDDING_DIMENSIONS = 128
EMBEDDING_BYTES = EMBEDDING_DIMENSIONS * 4  # float32
Verdict = Literal["pass", "fail", "uncertain", "anomaly"]
_FORMAT = f"<{EMBEDDING_DIMENSIONS}f"


@dataclass(frozen=True, slots=True)
class Comparison:
    verdict: Verdict
    distance: float | None  # None for an anomaly: one side has no usable face


def distance(a: bytes, b: bytes) -> float:
    """Euclidean distance of two embeddings (128 little-endian float32 each)."""
    return math.dist(struct.unpack(_FORMAT, a), struct.unpack(_FORMAT, b))


def compare(a: bytes | None, b: bytes | None, *, pass_max: float, fail_min: float) -> Comparison:
    """``anomaly`` when either side has no usable face (no embedding), else by distance:
    ``pass`` at or below ``pass_max``, ``fail`` at or above ``fail_min``, ``uncertain``
    between."""
    if a is None or b is None or len(a) != EMBEDDING_BYTES or len(b) != EMBEDDING_BYTES:
        return Comparison("anomaly", None)
    d = round(distance(a, b), 4)
    if d <= pass_max:
        return Comparison("pass", d)
    if d >= fail_min:
        return Comparison("fail", d)
    return Comparison("uncertain", d)
