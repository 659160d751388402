"""Hypothesis strategies for property tests of parsers and validators (test-only: needs
the ``hypothesis`` dev dependency)."""

from __future__ import annotations

from hypothesis import strategies as st

# what hostile or careless input carries, far more often than uniform sampling would give
AWKWARD = (
    "\x00", "\ud800", "\udfff", "\ufeff", "\u200b", "\u3000", "\xa0", "\t", "\r\n", "\n",
    '"', ",", "'", "\\", "＠", "ｘ", "１", "·", "・", "İ", "ß", "ﬀ", "𝔘", "٣", "²", "\u0301",
)  # fmt: skip
AWKWARD_TEXT = st.sampled_from(AWKWARD)
ANY_CHARACTER = st.one_of(st.characters(exclude_categories=()), AWKWARD_TEXT)


def hostile_text(*, min_size: int = 0, max_size: int = 40) -> st.SearchStrategy[str]:
    """Any text, lone surrogates and NUL included, rich in awkward characters."""
    return st.lists(ANY_CHARACTER, min_size=min_size, max_size=max_size).map("".join)


def padded(text: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """``text`` with whitespace of several kinds around it."""
    space = st.text(st.sampled_from(" \t\u3000\xa0"), max_size=3)
    return st.tuples(space, text, space).map("".join)
