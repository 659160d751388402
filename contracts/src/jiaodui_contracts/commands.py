"""Private commands on ``notify.requests`` (identity writes, and subscriptions for the owners
of webhook endpoints; only notify reads).

They carry what must never be on a public topic: links with tokens, SMS codes,
e-mail addresses and phone numbers. Keyed by ``account_id`` (one account's mails
go out in order). Other campus systems must not subscribe; the privacy test
exempts these models and only these.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from jiaodui_contracts._base import Command, Masked, Timestamp, Uuid


class SendActivationMail(Command):
    """Mail the activation link (``activation_url`` carries ``token=<value>``)."""

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
    """Text a verification code to a phone (real-name registration)."""

    TYPE: ClassVar[str] = "jiaodui.notify.SendSmsCode.v1"
    account_id: Uuid
    phone: str
    code: str
    purpose: str
    expires_in_s: int


class SendUsernameReminder(Command):
    """Answer a forgotten-user-name request: the (masked) user name and where to log in."""

    TYPE: ClassVar[str] = "jiaodui.notify.SendUsernameReminder.v1"
    account_id: Uuid
    email: str
    email_masked: Masked
    login_url: str
    locale: str = "zh-CN"


class SendPasswordResetMail(Command):
    """Mail the single-use password reset link."""

    TYPE: ClassVar[str] = "jiaodui.notify.SendPasswordResetMail.v1"
    account_id: Uuid
    email: str
    reset_url: str
    expires_in_s: int
    locale: str = "zh-CN"


class SendLockoutNotice(Command):
    """Tell the owner that repeated failed logins locked the account until ``locked_until``."""

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


class SendWebhookDisabledNotice(Command):
    """Mail the owner of a webhook endpoint that was disabled (failing for days, or 410)."""

    TYPE: ClassVar[str] = "jiaodui.notify.SendWebhookDisabledNotice.v1"
    KEY_FIELD: ClassVar[str] = "subscriber_id"
    subscriber_id: Uuid
    email: str
    subscriber_name: str
    url: str
    reason: Literal["failing", "gone"]
    failing_since: Timestamp | None = None
    manage_url: str
    locale: str = "zh-CN"
