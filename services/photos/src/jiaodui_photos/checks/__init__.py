"""Machine checks of a certificate photo (DESIGN §9): one face, the national rules,
and graduation vs admission comparison.

The worker process builds one :class:`FaceAnalyser` and calls :func:`check_photo`
for each photo version::

    analyser = FaceAnalyser(CheckSettings())          # loads the dlib models once
    result = check_photo(analyser, jpeg, counterpart=Counterpart(embedding_or_none))
    result.findings        # [Finding(code, value)], each with the measured value
    result.embedding       # 512 bytes (128 float32) or None; stays in the photos store
    result.comparison      # Comparison(verdict, distance) or None without a counterpart
    result.blocking        # a finding in settings.blocking_codes (no usable face)

When the counterpart is checked later, compare the stored embeddings with
:func:`compare` instead of analysing again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jiaodui_photos.checks.compare import Comparison, Verdict, compare
from jiaodui_photos.checks.faces import FaceAnalyser, PhotoAnalysis
from jiaodui_photos.checks.rules import Finding, Measurements
from jiaodui_photos.checks.settings import CheckSettings

__all__ = [
    "CheckResult",
    "CheckSettings",
    "Comparison",
    "Counterpart",
    "FaceAnalyser",
    "Finding",
    "Measurements",
    "PhotoAnalysis",
    "Verdict",
    "check_photo",
    "compare",
    "compare_embeddings",
]


@dataclass(frozen=True, slots=True)
class Counterpart:
    """The other photo of the record (admission for a graduation photo, and back).

    ``embedding`` is None when that photo has no usable face: the comparison is then
    an ``anomaly``."""

    embedding: bytes | None


@dataclass(frozen=True, slots=True)
class CheckResult:
    findings: list[Finding]
    measurements: dict[str, float]  # flat, JSON-serialisable (see rules.Measurements)
    embedding: bytes | None  # biometric: never in an event, a log or a response
    comparison: Comparison | None
    blocking: bool  # some finding in settings.blocking_codes
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def verdict_ready(self) -> bool:
        """A comparison was made (the record has both photos)."""
        return self.comparison is not None

    @property
    def verdict(self) -> Verdict | None:
        return self.comparison.verdict if self.comparison else None

    @property
    def under_review(self) -> bool:
        """What DESIGN §9 sends to the office: a blocking finding or a verdict other
        than ``pass``."""
        return self.blocking or (self.comparison is not None and self.comparison.verdict != "pass")


def compare_embeddings(a: bytes | None, b: bytes | None, settings: CheckSettings) -> Comparison:
    """:func:`compare` with the thresholds of ``settings``."""
    return compare(a, b, pass_max=settings.pass_max, fail_min=settings.fail_min)


def check_photo(
    analyser: FaceAnalyser,
    jpeg: bytes,
    *,
    counterpart: Counterpart | None = None,
    settings: CheckSettings | None = None,
) -> CheckResult:
    """Analyse one photo version and, when the record has its counterpart, compare.

    Synchronous and CPU-bound (about 0.1–0.3 s for 480×640 on one core): run it in a
    worker process or a thread pool, never on the event loop. ``settings`` defaults
    to the analyser's."""
    s = settings or analyser.settings
    analysis = analyser.analyse(jpeg)
    comparison = (
        compare_embeddings(analysis.embedding, counterpart.embedding, s)
        if counterpart is not None
        else None
    )
    return CheckResult(
        findings=analysis.findings,
        measurements=analysis.measurements.as_dict() if analysis.measurements else {},
        embedding=analysis.embedding,
        comparison=comparison,
        blocking=any(f.code in s.blocking_codes for f in analysis.findings),
        timings_ms=analysis.timings_ms,
    )
