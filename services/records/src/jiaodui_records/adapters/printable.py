"""The print view of a record (打印学籍信息): a clean HTML page, ID number masked."""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib.resources import files
from typing import Any

import jinja2

ROWS = (
    ("姓名", "name"), ("性别", "gender"), ("民族", "ethnicity"), ("出生日期", "birth_date"),
    ("证件号码", "id_number_masked"), ("考生号", "exam_number"), ("学号", "student_number"),
    ("院校名称", "institution_name"), ("分院", "branch"), ("系(所、函授站)", "department"),
    ("专业名称", "major"), ("班级", "class_name"), ("层次", "level"), ("学制", "duration_years"),
    ("学历类别", "education_type"), ("学习形式", "study_form"), ("入学日期", "enrollment_date"),
    ("学籍状态", "status"),
)  # fmt: skip


@cache
def _template() -> jinja2.Template:
    source = (files("jiaodui_records") / "templates" / "printable.html").read_text("utf-8")
    return jinja2.Environment(autoescape=True).from_string(source)


def _display(field: str, record: dict[str, Any]) -> str:
    value = record.get(field)
    if f"{field}_label" in record:
        return str(record[f"{field}_label"])
    if value is None:
        return ""
    if field.endswith("_date"):
        day = date.fromisoformat(value)
        return f"{day.year}年{day.month}月{day.day}日"
    if field == "duration_years" and float(value).is_integer():
        return str(int(value))
    return str(value)


def render_printable(record: dict[str, Any]) -> str:
    rows = [(label, _display(field, record)) for label, field in ROWS]
    return _template().render(record=record, rows=rows)
