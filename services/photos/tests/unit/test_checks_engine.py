"""The engine on real faces (jiaodui_runtime.testing.faces): dlib's detector,
landmarks and embeddings, the rules, and the verdicts."""

from __future__ import annotations

import itertools

import pytest
from jiaodui_photos.checks import (
    CheckSettings,
    Counterpart,
    FaceAnalyser,
    PhotoAnalysis,
    check_photo,
    compare_embeddings,
)
from jiaodui_photos.checks.compare import distance
from jiaodui_runtime.testing import faces

SETTINGS = CheckSettings()


@pytest.fixture(scope="module")
def analyser() -> FaceAnalyser:
    return FaceAnalyser(SETTINGS)


@pytest.fixture(scope="module")
def portraits(analyser: FaceAnalyser) -> dict[tuple[str, str], PhotoAnalysis]:
    """Each person's portrait in each variant, analysed once for the module."""
    return {
        (person, variant): analyser.analyse(faces.portrait(person, variant))
        for person, variant in itertools.product(faces.PEOPLE, faces.VARIANTS)
    }


@pytest.fixture(scope="module")
def embeddings(portraits: dict[tuple[str, str], PhotoAnalysis]) -> dict[tuple[str, str], bytes]:
    return {key: a.embedding for key, a in portraits.items() if a.embedding is not None}


@pytest.mark.parametrize("person", faces.PEOPLE)
@pytest.mark.parametrize("variant", faces.VARIANTS)
def test_every_portrait_passes_every_rule(
    portraits: dict[tuple[str, str], PhotoAnalysis], person: str, variant: str
) -> None:
    analysis = portraits[person, variant]
    assert analysis.findings == [], analysis.measurements
    assert analysis.embedding is not None and len(analysis.embedding) == 512


@pytest.mark.parametrize("person", faces.PEOPLE)
def test_the_same_person_compares_as_pass(
    embeddings: dict[tuple[str, str], bytes], person: str
) -> None:
    standard = embeddings[person, "standard"]
    for variant in faces.VARIANTS:
        assert distance(standard, embeddings[person, variant]) <= SETTINGS.pass_max, variant


def test_different_people_compare_as_fail(embeddings: dict[tuple[str, str], bytes]) -> None:
    for a, b in itertools.combinations(faces.PEOPLE, 2):
        for variant in faces.VARIANTS:
            assert distance(embeddings[a, variant], embeddings[b, variant]) >= SETTINGS.fail_min


@pytest.mark.parametrize(
    ("picture", "code"),
    [
        (faces.two_faces, "several_faces"),
        (faces.no_face, "no_face"),
        (faces.blank, "no_face"),
        (faces.too_dark, "too_dark"),
        (faces.off_centre, "face_off_centre"),
        (faces.small_face, "face_too_small"),
    ],
)
def test_each_faulty_picture_breaks_its_rule(
    analyser: FaceAnalyser, picture: object, code: str
) -> None:
    jpeg = picture()  # type: ignore[operator]
    result = check_photo(analyser, jpeg)
    assert code in [f.code for f in result.findings]
    assert result.blocking == (code in SETTINGS.blocking_codes)
    assert (result.embedding is None) == (code in {"several_faces", "no_face"})


def test_unique_portraits_differ_and_pass(analyser: FaceAnalyser) -> None:
    files = [faces.unique_portrait(seed) for seed in range(12)]
    assert len(set(files)) == len(files)
    for jpeg in files[:4]:
        assert check_photo(analyser, jpeg).findings == []


def test_check_photo_compares_with_the_counterpart(analyser: FaceAnalyser) -> None:
    admission = check_photo(analyser, faces.portrait("hopper", "smaller"))
    same = check_photo(
        analyser, faces.portrait("hopper"), counterpart=Counterpart(admission.embedding)
    )
    other = check_photo(
        analyser, faces.portrait("astronaut"), counterpart=Counterpart(admission.embedding)
    )
    assert same.verdict == "pass" and not same.under_review
    assert other.verdict == "fail" and other.under_review
    assert other.comparison is not None and other.comparison.distance is not None
    assert other.comparison.distance >= SETTINGS.fail_min


@pytest.mark.parametrize("verdict", ["pass", "fail", "uncertain", "anomaly"])
def test_the_verdict_pairs_give_their_verdict(analyser: FaceAnalyser, verdict: str) -> None:
    admission, graduation = faces.pair(verdict)
    first = check_photo(analyser, admission)
    result = check_photo(analyser, graduation, counterpart=Counterpart(first.embedding))
    assert result.verdict == verdict
    assert result.under_review == (verdict != "pass")


def test_a_counterpart_without_a_usable_face_is_an_anomaly(analyser: FaceAnalyser) -> None:
    result = check_photo(analyser, faces.portrait(), counterpart=Counterpart(None))
    assert result.verdict == "anomaly" and result.under_review and not result.blocking
    grouped = check_photo(analyser, faces.two_faces(), counterpart=Counterpart(result.embedding))
    assert grouped.verdict == "anomaly" and grouped.blocking
    assert compare_embeddings(None, result.embedding, SETTINGS).verdict == "anomaly"


def test_bytes_that_are_not_an_image_are_unreadable(analyser: FaceAnalyser) -> None:
    result = check_photo(analyser, b"\xff\xd8\xff not really a jpeg")
    assert [f.code for f in result.findings] == ["unreadable"]
    assert result.blocking and result.embedding is None and result.measurements == {}


def test_measurements_are_recorded_for_the_registrar(analyser: FaceAnalyser) -> None:
    m = check_photo(analyser, faces.portrait()).measurements
    assert m["faces"] == 1.0 and m["width"] == 480.0 and m["height"] == 640.0
    assert 180 <= m["face_width"] <= 300 and 200 <= m["eye_y"] <= 300
    assert 50 <= m["head_top_y"] <= 110 and m["head_top_estimated"] == 0.0
