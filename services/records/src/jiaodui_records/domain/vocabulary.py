"""The registry's vocabulary (学信网 terms), with stable English codes.

Imports and errata may give either the code or a Chinese term (or a common variant);
records store and publish the code, and show the Chinese label.

| field | code → label |
|---|---|
| level (层次) | associate 专科, bachelor 本科, bachelor_from_associate 专科起点本科,
  second_bachelor 第二学士学位, master 硕士研究生, doctor 博士研究生 |
| education_type (学历类别) | regular 普通, adult 成人, online 网络教育, open 开放教育,
  self_study 自学考试 |
| study_form (学习形式) | full_time 普通全日制, part_time 非全日制, correspondence 函授,
  spare_time 业余, off_job 脱产, online 网络 |
| status (学籍状态) | enrolled 在籍 (注册学籍), suspended 休学, retained 保留学籍,
  withdrawn 退学, expelled 开除学籍, graduated 毕业, completed 结业, incomplete 肄业 |
| gender (性别) | male 男, female 女 |
"""

from __future__ import annotations

import unicodedata
from types import MappingProxyType
from typing import Final

Vocabulary = MappingProxyType[str, str]


def _vocabulary(labels: dict[str, str], aliases: dict[str, str]) -> tuple[Vocabulary, Vocabulary]:
    lookup = {code: code for code in labels}
    lookup |= {label: code for code, label in labels.items()}
    lookup |= aliases
    return MappingProxyType(labels), MappingProxyType(lookup)


LEVEL_LABELS, _LEVELS = _vocabulary(
    {
        "associate": "专科",
        "bachelor": "本科",
        "bachelor_from_associate": "专科起点本科",
        "second_bachelor": "第二学士学位",
        "master": "硕士研究生",
        "doctor": "博士研究生",
    },
    {"高职": "associate", "高职(专科)": "associate", "专升本": "bachelor_from_associate",
     "硕士": "master", "博士": "doctor", "研究生": "master"},
)  # fmt: skip
EDUCATION_TYPE_LABELS, _EDUCATION_TYPES = _vocabulary(
    {
        "regular": "普通",
        "adult": "成人",
        "online": "网络教育",
        "open": "开放教育",
        "self_study": "自学考试",
    },
    {"普通高等教育": "regular", "成人高等教育": "adult", "网络": "online",
     "自考": "self_study", "高等教育自学考试": "self_study"},
)  # fmt: skip
STUDY_FORM_LABELS, _STUDY_FORMS = _vocabulary(
    {
        "full_time": "普通全日制",
        "part_time": "非全日制",
        "correspondence": "函授",
        "spare_time": "业余",
        "off_job": "脱产",
        "online": "网络",
    },
    {"全日制": "full_time", "网络教育": "online"},
)
STATUS_LABELS, _STATUSES = _vocabulary(
    {
        "enrolled": "在籍",
        "suspended": "休学",
        "retained": "保留学籍",
        "withdrawn": "退学",
        "expelled": "开除学籍",
        "graduated": "毕业",
        "completed": "结业",
        "incomplete": "肄业",
    },
    {"注册学籍": "enrolled", "在校": "enrolled"},
)
GENDER_LABELS, _GENDERS = _vocabulary({"male": "男", "female": "女"}, {"m": "male", "f": "female"})

ENUMERATIONS: Final[dict[str, Vocabulary]] = {
    "level": _LEVELS,
    "education_type": _EDUCATION_TYPES,
    "study_form": _STUDY_FORMS,
    "status": _STATUSES,
    "gender": _GENDERS,
}
LABELS: Final[dict[str, Vocabulary]] = {
    "level": LEVEL_LABELS,
    "education_type": EDUCATION_TYPE_LABELS,
    "study_form": STUDY_FORM_LABELS,
    "status": STATUS_LABELS,
    "gender": GENDER_LABELS,
}


def code_of(field: str, value: str) -> str | None:
    """The code of an enumerated value (code, Chinese term or variant), else None."""
    lookup = ENUMERATIONS[field]
    found = lookup.get(value)
    if found is not None:
        return found
    key = unicodedata.normalize("NFKC", value).strip()
    return lookup.get(key) or lookup.get(key.lower())


def label_of(field: str, code: str) -> str:
    return LABELS[field].get(code, code)
