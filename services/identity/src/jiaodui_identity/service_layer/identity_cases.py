"""Applying support's decisions from corrections: ID corrections and disputes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from jiaodui_contracts.commands import SendIdentityReleasedNotice
from jiaodui_contracts.corrections import IdentityCorrectionApproved, IdentityDisputeResolved
from jiaodui_contracts.identity import (
    AccountActivated,
    AccountIdentityCorrected,
    AccountIdentityReleased,
)
from jiaodui_runtime.auth import TokenVerifier
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.logging import get_logger
from jiaodui_runtime.outbox import add_to_outbox

from jiaodui_identity import store
from jiaodui_identity.state import SOURCE, Identity

_log = get_logger(__name__)


async def apply_identity_correction(
    conn: DbConnection, decision: IdentityCorrectionApproved
) -> None:
    """Bind the corrected ID to the account (emits AccountIdentityCorrected)."""
    account = await store.account_by_id(conn, decision.account_id, for_update=True)
    if account is None or account["identity_hash"] == decision.identity_hash:
        return
    holder = await store.account_by_identity(conn, decision.identity_hash)
    if holder is not None:
        # Another account holds this ID: that is a dispute, not a correction.
        _log.warning("identity_correction_conflict", account_id=decision.account_id)
        return
    await store.set_identity(
        conn,
        account["id"],
        id_type=decision.id_type,
        identity_hash=decision.identity_hash,
        id_number_masked=decision.id_number_masked,
    )
    if account["identity_hash"] is None:
        return  # never had real name: the student completes registration with the right ID
    await add_to_outbox(
        conn,
        AccountIdentityCorrected(
            account_id=decision.account_id,
            name=account["name"],
            id_type=decision.id_type,
            identity_hash=decision.identity_hash,
            id_number_masked=decision.id_number_masked,
            previous_identity_hash=account["identity_hash"],
            correction_id=decision.case_id,
            corrected_at=datetime.now(UTC),
        ),
        source=SOURCE,
    )


async def apply_dispute_resolution(
    conn: DbConnection, idn: Identity, verifier: TokenVerifier, decision: IdentityDisputeResolved
) -> list[str]:
    """Release the ID from its mistaken holder and bind it to the claimant.

    Returns the accounts whose sessions must end (after the commit).
    """
    if decision.outcome != "released":
        return []
    now = datetime.now(UTC)
    ended: list[str] = []
    holder = await store.account_by_identity(conn, decision.identity_hash)
    if holder is not None and str(holder["id"]) != decision.account_id:
        await store.release_identity(conn, holder["id"])
        await add_to_outbox(
            conn,
            AccountIdentityReleased(
                account_id=str(holder["id"]),
                id_type=decision.id_type,
                identity_hash=decision.identity_hash,
                dispute_id=decision.case_id,
                released_at=now,
            ),
            source=SOURCE,
        )
        await add_to_outbox(
            conn,
            SendIdentityReleasedNotice(
                account_id=str(holder["id"]),
                email=holder["email"],
                support_url=f"{idn.settings.public_base_url}/support.html",
            ),
            source=SOURCE,
        )
        ended.append(str(holder["id"]))
    pending = await store.take_pending_realname(conn, uuid.UUID(decision.account_id))
    if pending is not None and pending["identity_hash"] == decision.identity_hash:
        await store.bind_pending(conn, pending)
        await add_to_outbox(
            conn,
            AccountActivated(
                account_id=decision.account_id,
                name=pending["name"],
                gender=pending["gender"],
                birth_date=pending["birth_date"],
                id_type=pending["id_type"],
                identity_hash=pending["identity_hash"],
                id_number_masked=pending["id_number_masked"],
                activated_at=now,
            ),
            source=SOURCE,
        )
        ended.append(decision.account_id)  # its old token still says email_verified
    return ended
