"""The directory as a run of notices sees it, notice after notice.

A run of events is accepted at once (one statement per table), yet each notice must see
the directory as if the ones before it had already been written: a command teaches an
address, an event later in the same run is mailed there. :class:`RunDirectory` starts
from what the database held before the run and applies what each notice teaches, in
order; :meth:`RunDirectory.learned` is what to write back, one row per account, equal to
having written each notice's address one after the other.
"""

from __future__ import annotations

from dataclasses import dataclass

from jiaodui_notify.domain.delivery import language_of
from jiaodui_notify.domain.notices import Notice

Address = tuple[str | None, str | None]
"""(e-mail, locale) of an account; (None, None) when notify never heard of it."""


@dataclass(slots=True)
class Learned:
    """What a run taught about one account; None: nothing new (the stored value stays)."""

    email: str | None = None
    phone: str | None = None
    locale: str | None = None


class RunDirectory:
    def __init__(self, stored: dict[str, Address]) -> None:
        self._addresses = dict(stored)
        self._learned: dict[str, Learned] = {}

    def learn(self, notice: Notice) -> None:
        """Keep the address a command carries (the newest wins, as in the database)."""
        if notice.to is None or notice.account_id is None:
            return
        learned = self._learned.setdefault(notice.account_id, Learned())
        if notice.channel == "sms":
            learned.phone = notice.to  # the directory's e-mail and locale stay as they are
            return
        lang = language_of(notice.locale)
        learned.email, learned.locale = notice.to, lang
        self._addresses[notice.account_id] = (notice.to, lang)

    def address_of(self, account_id: str) -> Address:
        return self._addresses.get(account_id, (None, None))

    def learned(self) -> dict[str, Learned]:
        return dict(self._learned)
