"""The demo cohort of the local stack: a graduating class big enough for the dashboards.

Pure builders (no I/O): the roster rows, portrait JPEGs (real faces from installed packages:
the machine checks look for one) and the photo batch of a cohort of
``COLLEGES × CLASSES × PER_CLASS`` students, deterministic so that a second `make run`
imports the same rows (an unchanged row emits nothing). Every tenth student has no photo
("record without photo"); a few get accounts and answer (see seed.py's ``activity``).
"""

from __future__ import annotations

import csv
import io
import random
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from jiaodui_runtime.testing.accounts import resident_id
from jiaodui_runtime.testing.faces import PEOPLE, blend, no_face, unique_portrait

INSTITUTION = {"code": "10001", "name": "示范大学 Demo University"}
COLLEGES = ["信息学院", "经济学院", "外国语学院", "机械工程学院"]
MAJORS = {
    "信息学院": "计算机科学与技术",
    "经济学院": "金融学",
    "外国语学院": "英语",
    "机械工程学院": "机械设计制造及其自动化",
}
CLASSES = 3
PER_CLASS = 20
COHORT = "2026"
ROSTER_COLUMNS = [
    "institution_code", "institution_name", "student_number", "exam_number", "name",
    "gender", "ethnicity", "birth_date", "id_type", "id_number", "branch", "department",
    "major", "class_name", "level", "duration_years", "education_type", "study_form",
    "enrollment_date", "status", "cohort",
]  # fmt: skip
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国晓峰琳雪晨宇浩然思雨欣怡子涵梓萱"


@dataclass(frozen=True, slots=True)
class Student:
    number: str
    name: str
    gender: str
    born: date
    id_number: str
    college: str
    class_name: str
    has_photo: bool


def cohort(seed: int = 2026) -> list[Student]:
    """The demo class of 2026; student numbers from 20221001 (the named demo students
    keep 20220001 and 20220002)."""
    rng = random.Random(seed)
    students = []
    for c, college in enumerate(COLLEGES):
        for k in range(CLASSES):
            for _ in range(PER_CLASS):
                n = len(students)
                gender = "male" if rng.random() < 0.52 else "female"
                born = date(2003, 1, 1).replace(month=rng.randint(1, 12), day=rng.randint(1, 28))
                name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
                students.append(
                    Student(
                        number=f"2022{1001 + n:04d}",
                        name=name,
                        gender=gender,
                        born=born,
                        id_number=resident_id(born, gender, region=f"3101{c:02d}", seq=n % 500),
                        college=college,
                        class_name=f"{MAJORS[college]}2022级{k + 1}班",
                        has_photo=(n % 10) != 9,
                    )
                )
    return students


def roster_row(s: Student) -> list[str]:
    return [
        INSTITUTION["code"], INSTITUTION["name"], s.number, f"22310{s.number[-5:]}00", s.name,
        s.gender, "汉族", s.born.isoformat(), "resident_id", s.id_number, s.college,
        f"{s.college}本部", MAJORS[s.college], s.class_name, "bachelor", "4", "regular",
        "full_time", "2022-09-01", "enrolled", COHORT,
    ]  # fmt: skip


def roster_csv(extra_rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ROSTER_COLUMNS)
    writer.writerows(extra_rows)
    writer.writerows(roster_row(s) for s in cohort())
    return out.getvalue().encode()


# Students (by position among those with photos) whose graduation photo shows one verdict
# of the machine checks each, for the college office's review queue; the others pass.
VERDICT_SUBJECTS = {1: "fail", 2: "uncertain", 3: "anomaly"}
# how much of another person a doubtful likeness holds: measured with dlib, 0.55 puts it
# 0.54–0.56 from either person, between the comparison's thresholds (pass ≤ 0.50, fail ≥ 0.60)
DOUBT = 0.55


def portrait(seed: str, kind: str, verdict: str = "pass") -> bytes:
    """A 480×640 certificate photo of one of the people whose pictures ship in installed
    packages (scikit-image, matplotlib), the same person for both kinds of one student;
    ``verdict`` makes the graduation photo another person (fail), a doubtful likeness
    (uncertain) or an image without a face (anomaly)."""
    person = PEOPLE[int(seed) % len(PEOPLE)] if seed.isdigit() else PEOPLE[0]
    if kind == "graduation" and verdict == "anomaly":
        return no_face()
    if kind == "graduation" and verdict == "fail":
        other = PEOPLE[(PEOPLE.index(person) + 1) % len(PEOPLE)]
        return unique_portrait(f"{seed}-{kind}", other)
    if kind == "graduation" and verdict == "uncertain":
        return doubtful_portrait(person)
    return unique_portrait(f"{seed}-{kind}", person)


def doubtful_portrait(person: str) -> bytes:
    """The person's portrait cross-faded towards another's: a likeness the comparison can
    neither pass nor fail (uncertain)."""
    return blend(DOUBT, person, PEOPLE[(PEOPLE.index(person) + 1) % len(PEOPLE)])


def photo_batch(extra: list[tuple[str, str, date, str, str]]) -> tuple[bytes, bytes]:
    """Manifest + ZIP: both photos of every cohort student who has them, plus ``extra``
    (name, gender, born, id_number, student_number) rows."""
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(
        ["file", "kind", "institution_code", "name", "id_type", "id_number", "student_number"]
    )
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zipped:
        for position, (name, number, id_number) in enumerate(_photo_subjects(extra)):
            verdict = VERDICT_SUBJECTS.get(position - len(extra), "pass")
            for kind in ("graduation", "admission"):
                file = f"{kind}/{number}.jpg"
                zipped.writestr(file, portrait(number, kind, verdict))
                writer.writerow(
                    [file, kind, INSTITUTION["code"], name, "resident_id", id_number, number]
                )
    return manifest.getvalue().encode(), archive.getvalue()


def _photo_subjects(
    extra: list[tuple[str, str, date, str, str]],
) -> Iterator[tuple[str, str, str]]:
    for name, _gender, _born, id_number, number in extra:
        yield name, number, id_number
    for s in cohort():
        if s.has_photo:
            yield s.name, s.number, s.id_number
