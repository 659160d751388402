"""The name key that matching compares: exact, after folding what is not a real difference."""

from __future__ import annotations

import re
import unicodedata

_CJK = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_SPACE_NEXT_TO_CJK = re.compile(rf"(?<={_CJK})\s+|\s+(?={_CJK})")
_SPACES = re.compile(r"\s+")
_PLAIN_CJK = re.compile(rf"{_CJK}+")
# 间隔号 in minority and foreign names is typed in many ways
_MIDDLE_DOTS = re.compile(r"[\u00b7\u2022\u2027\u30fb\u0387\u16eb\u2219\u22c5\uff65]")


def name_key(name: str) -> str:
    """NFKC (folds full-width forms), trimmed, one space inside Latin names and none
    beside Chinese characters, one kind of middle dot, upper case for Latin letters."""
    text = unicodedata.normalize("NFKC", name).strip()
    if _PLAIN_CJK.fullmatch(text):
        return text  # the common case: nothing to fold
    text = _MIDDLE_DOTS.sub("·", text)
    text = _SPACE_NEXT_TO_CJK.sub("", text)
    return _SPACES.sub(" ", text).upper()
