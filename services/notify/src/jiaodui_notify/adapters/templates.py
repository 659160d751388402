"""Message templates (Jinja2): one plain-text source per message and language.

``templates/<lang>/<name>.txt`` sets ``subject`` and renders the body; the HTML part
is the same text, escaped, in paragraphs with its links clickable, inside
``templates/_layout.html``. Undefined variables fail loudly (StrictUndefined).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

_URL = re.compile(r"https?://[^\s<>\"']+")
LANGUAGES = ("zh", "en")


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str | None


def _html_paragraph(text: str) -> Markup:
    out: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        out.append(str(escape(text[last : match.start()])))
        url = escape(match.group(0))
        out.append(f'<a href="{url}">{url}</a>')
        last = match.end()
    out.append(str(escape(text[last:])))
    return Markup("<br>\n".join("".join(out).split("\n")))  # noqa: S704 - escaped above


class Templates:
    def __init__(self) -> None:
        self._env = Environment(
            loader=PackageLoader("jiaodui_notify", "templates"),
            undefined=StrictUndefined,
            autoescape=select_autoescape(enabled_extensions=("html",), default=False),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            # templates are package files that change only with a release: no stat() of the
            # file on every render (a matching burst renders one message per match)
            auto_reload=False,
        )

    def names(self) -> list[str]:
        found = {
            name.split("/", 1)[1].removesuffix(".txt")
            for name in self._env.list_templates(extensions=["txt"])
            if "/" in name
        }
        return sorted(found)

    def render(
        self, name: str, lang: str, context: Mapping[str, Any], *, html: bool = True
    ) -> Rendered:
        """Subject, plain text and (for mail) the HTML part of one message."""
        template = self._env.get_template(f"{lang}/{name}.txt")
        module = template.make_module(dict(context))
        subject = str(getattr(module, "subject", "")).strip()
        text = str(module).strip() + "\n"
        if not html:
            return Rendered(subject, text, None)
        paragraphs = [_html_paragraph(p.strip()) for p in text.split("\n\n") if p.strip()]
        page = self._env.get_template("_layout.html").render(
            subject=subject, paragraphs=paragraphs, lang=lang
        )
        return Rendered(subject, text, page)
