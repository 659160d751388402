"""Turn a command or event into a logged, queued message and an inbox entry.

Runs in the consumer's transaction and never talks to SMTP: the pending delivery
row (and the NOTIFY that wakes the sender at commit) is all it writes, so a mail
outage never blocks a partition.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from jiaodui_contracts import new_ordered_ids
from jiaodui_runtime.consumer import Delivered
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.privacy import mask_email, mask_phone

from jiaodui_notify.domain.delivery import language_of
from jiaodui_notify.domain.directory import RunDirectory
from jiaodui_notify.domain.notices import SECRETS, notice_for, redacted
from jiaodui_notify.state import Notify
from jiaodui_notify.store import deliveries, people
from jiaodui_notify.store.deliveries import NewDelivery


def recipient_key(channel: str, address: str) -> str:
    """The normalised address: caps, idempotency and the ops filter all use it."""
    if channel == "sms":
        return "".join(ch for ch in address if ch.isdigit() or ch == "+")
    return address.strip().lower()


def mask(channel: str, address: str) -> str:
    return mask_phone(address) if channel == "sms" else mask_email(address)


async def accept_all(conn: DbConnection, notify: Notify, run: Sequence[Delivered]) -> None:
    """Log and queue the messages a run of commands and events asks for, as accepting them
    one after the other would (a notice sees the addresses the ones before it taught), in
    one statement per table; a redelivered event adds nothing."""
    base = notify.settings.public_base_url
    notices = [
        (event, notice)
        for event, payload in run
        if (notice := notice_for(payload, base_url=base)) is not None
    ]
    if not notices:
        return
    wanted = {n.account_id for _, n in notices if n.to is None and n.account_id is not None}
    directory = RunDirectory(await people.addresses_of(conn, wanted))
    new: list[NewDelivery] = []
    inbox: list[people.Message] = []
    for event, notice in notices:
        directory.learn(notice)
        to, locale = notice.to, notice.locale
        if to is None and notice.account_id is not None:
            to, locale = directory.address_of(notice.account_id)
        lang = language_of(locale)
        email = notice.channel == "email"
        # what is rendered: the message only when it is sent, its redacted copy only when it
        # differs (most notices carry no secret: one render serves both; a match nobody can
        # be mailed yet is rendered once, without the HTML part)
        secret = not SECRETS.isdisjoint(notice.context)
        safe = notify.templates.render(
            notice.template,
            lang,
            redacted(notice.context) if secret else notice.context,
            html=email and bool(to) and not secret,
        )
        delivery_id: uuid.UUID | None = None
        if to:
            full = (
                notify.templates.render(notice.template, lang, notice.context, html=email)
                if secret
                else safe
            )
            delivery_id = uuid.UUID(new_ordered_ids(1)[0])  # one a notice: an ordered key
            new.append(
                NewDelivery(
                    delivery_id=delivery_id,
                    cause_event_id=event.id,
                    cause_type=event.type,
                    channel=notice.channel,
                    recipient_key=recipient_key(notice.channel, to),
                    recipient_masked=mask(notice.channel, to),
                    account_id=notice.account_id,
                    template=notice.template,
                    locale=lang,
                    subject=safe.subject,
                    body_preview=safe.text,
                    sealed=notify.sealer.seal(
                        {"to": to, "subject": full.subject, "text": full.text, "html": full.html}
                    ),
                )
            )
        if notice.account_id is not None:
            inbox.append(
                people.Message(
                    account_id=notice.account_id,
                    cause_event_id=event.id,
                    template=notice.template,
                    channel=notice.channel if to else "inbox",
                    subject=safe.subject or safe.text.splitlines()[0][:80],
                    body=safe.text,
                    delivery_id=delivery_id,
                )
            )
    await people.remember_all(conn, directory.learned())
    queued = await deliveries.insert_all(conn, new)
    # a delivery already in the log (the event came again) adds no inbox message either
    await people.add_messages(
        conn, [m for m in inbox if m.delivery_id is None or m.delivery_id in queued]
    )
