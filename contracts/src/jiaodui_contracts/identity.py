"""Events of the identity service (topic ``identity.events``, key ``account_id``).

No e-mail address, phone number or plain ID number: the account id, the ID type,
the masked number and the identity hash. The real name travels in plain because
records matches on it (see the README, "Names").
"""

from __future__ import annotations

from typing import ClassVar, Literal

from jiaodui_contracts._base import (
    Day,
    Event,
    Gender,
    IdentityHash,
    IdType,
    MaskedIdNumber,
    Timestamp,
    Uuid,
)


class _AccountEvent(Event):
    TOPIC: ClassVar[str] = "identity.events"
    KEY_FIELD: ClassVar[str] = "account_id"
    account_id: Uuid


class AccountRegistered(_AccountEvent):
    """An account was created with an e-mail user name (not yet verified)."""

    TYPE: ClassVar[str] = "jiaodui.identity.AccountRegistered.v1"
    registered_at: Timestamp


class AccountActivated(_AccountEvent):
    """Real-name registration is done: the account now has a verified identity."""

    TYPE: ClassVar[str] = "jiaodui.identity.AccountActivated.v1"
    name: str
    gender: Gender
    birth_date: Day
    id_type: IdType
    identity_hash: IdentityHash
    id_number_masked: MaskedIdNumber
    activated_at: Timestamp


class AccountNameChanged(_AccountEvent):
    """The student corrected the real name in account settings (matching runs again)."""

    TYPE: ClassVar[str] = "jiaodui.identity.AccountNameChanged.v1"
    name: str
    id_type: IdType
    identity_hash: IdentityHash
    changed_at: Timestamp


class AccountIdentityCorrected(_AccountEvent):
    """Support corrected the account's ID (an approved identity correction)."""

    TYPE: ClassVar[str] = "jiaodui.identity.AccountIdentityCorrected.v1"
    name: str
    id_type: IdType
    identity_hash: IdentityHash
    id_number_masked: MaskedIdNumber
    previous_identity_hash: IdentityHash
    correction_id: Uuid
    corrected_at: Timestamp


class AccountIdentityReleased(_AccountEvent):
    """A resolved dispute took the ID away from this (mistaken) account."""

    TYPE: ClassVar[str] = "jiaodui.identity.AccountIdentityReleased.v1"
    id_type: IdType
    identity_hash: IdentityHash
    dispute_id: Uuid
    released_at: Timestamp
    status: Literal["email_verified"] = "email_verified"
