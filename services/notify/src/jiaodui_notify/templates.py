"""Message templates (Jinja2): Chinese first, English after, rendered from files."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

SUBJECTS = {
    "activation": "激活您的账号 / Activate your account",
    "existing_account": "您已注册过 / You already have an account",
}


class Templates:
    def __init__(self) -> None:
        self._env = Environment(
            loader=PackageLoader("jiaodui_notify", "templates"),
            undefined=StrictUndefined,
            autoescape=False,  # noqa: S701 - plain-text parts; HTML parts enable it themselves
            keep_trailing_newline=True,
        )

    def render(self, name: str, **context: Any) -> tuple[str, str]:
        """Return (subject, plain-text body)."""
        return SUBJECTS[name], self._env.get_template(f"{name}.txt").render(**context)
