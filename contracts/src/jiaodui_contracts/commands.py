"""Private commands on ``notify.requests`` (only identity writes, only notify reads).

They carry what must never be on a public topic: links with tokens, SMS codes,
e-mail addresses and phone numbers. Keyed by ``account_id``.
"""

from __future__ import annotations

from typing import ClassVar

from jiaodui_contracts._base import Command, Timestamp, Uuid


class SendActivationMail(Command):
    TYPE: ClassVar[str] = "jiaodui.notify.SendActivationMail.v1"
    account_id: Uuid
    email: str
    activation_url: str
    locale: str = "zh-CN"


class SendExistingAccountNotice(Command):
    """Someone registered with an address that already has an account."""

    TYPE: ClassVar[str] = "jiaodui.notify.SendExistingAccountNotice.v1"
    account_id: Uuid
    email: str
    login_url: str
    recovery_url: str
    locale: str = "zh-CN"


class SendSmsCode(Command):
    TYPE: ClassVar[str] = "jiaodui.notify.SendSmsCode.v1"
    account_id: Uuid
    phone: str
    code: str
    purpose: str
    expires_in_s: int


class SendUsernameReminder(Command):
    TYPE: ClassVar[str] = "jiaodui.notify.SendUsernameReminder.v1"
    account_id: Uuid
    email: str
    email_masked: str
    login_url: str
    locale: str = "zh-CN"


class SendPasswordResetMail(Command):
    TYPE: ClassVar[str] = "jiaodui.notify.SendPasswordResetMail.v1"
    account_id: Uuid
    email: str
    reset_url: str
    expires_in_s: int
    locale: str = "zh-CN"


class SendLockoutNotice(Command):
    TYPE: ClassVar[str] = "jiaodui.notify.SendLockoutNotice.v1"
    account_id: Uuid
    email: str
    locked_until: Timestamp
    locale: str = "zh-CN"


class SendIdentityReleasedNotice(Command):
    """The account's ID was released to its rightful owner after a dispute."""

    TYPE: ClassVar[str] = "jiaodui.notify.SendIdentityReleasedNotice.v1"
    account_id: Uuid
    email: str
    support_url: str
    locale: str = "zh-CN"
