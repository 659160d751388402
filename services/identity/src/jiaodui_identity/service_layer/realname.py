"""Real-name registration (实名注册) and SMS verification codes."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
from jiaodui_contracts.commands import SendSmsCode
from jiaodui_contracts.identity import AccountActivated
from jiaodui_runtime.auth import Principal
from jiaodui_runtime.errors import Problem
from jiaodui_runtime.outbox import add_to_outbox
from jiaodui_runtime.privacy import identity_hash, mask_id_number
from jiaodui_runtime.ratelimit import Limit

from jiaodui_identity import store
from jiaodui_identity.adapters.sms_codes import CODE_TTL_S
from jiaodui_identity.domain.accounts import AccountStatus, is_edu_email
from jiaodui_identity.domain.realname import RealName, check_realname, normalised
from jiaodui_identity.state import SOURCE, Identity

SMS_LIMITS = [Limit(1, 60), Limit(5, 3600), Limit(10, 86400)]
SMS_PURPOSES = frozenset({"realname", "phone_change"})
DISPUTE_PATH = "/api/corrections/v1/identity-disputes"


async def request_sms_code(
    idn: Identity, principal: Principal, *, phone: str, purpose: str
) -> None:
    """Send a code: at most 1/min, 5/hour, 10/day per phone and per account."""
    await idn.limiter.enforce(
        [f"sms-phone:{phone}", f"sms-account:{principal.account_id}"], SMS_LIMITS
    )
    code = await idn.sms_codes.issue(account_id=principal.account_id, phone=phone, purpose=purpose)
    async with idn.pool.acquire() as conn, conn.transaction():
        await add_to_outbox(
            conn,
            SendSmsCode(
                account_id=principal.account_id,
                phone=phone,
                code=code,
                purpose=purpose,
                expires_in_s=CODE_TTL_S,
            ),
            source=SOURCE,
        )


async def register_realname(
    pool: asyncpg.Pool,
    idn: Identity,
    principal: Principal,
    *,
    form: RealName,
    sms_code: str | None,
) -> str:
    """Bind a verified identity to the account; one active account per ID."""
    problem = check_realname(form)
    if problem is not None:
        raise Problem(422, problem, "The real-name form is not valid.")
    form = normalised(form)
    async with pool.acquire() as conn:
        account = await store.account_by_id(conn, principal.account_id)
    if account is None:
        raise Problem(401, "unauthenticated", "The account no longer exists.")
    if account["status"] != AccountStatus.EMAIL_VERIFIED:
        raise Problem(
            409,
            "realname_already_done" if account["identity_hash"] else "email_not_verified",
            "Real-name registration is not possible in this state.",
        )
    if not is_edu_email(account["email"]):
        if form.phone is None or not sms_code:
            raise Problem(422, "sms_code_required", "Verify the mobile number with an SMS code.")
        if not await idn.sms_codes.verify(
            account_id=principal.account_id, phone=form.phone, purpose="realname", code=sms_code
        ):
            raise Problem(422, "sms_code_invalid", "The SMS code is wrong or expired.")
    hashed = identity_hash(idn.settings.identity_hash_key, form.id_type, form.id_number)
    masked = mask_id_number(form.id_number)
    now = datetime.now(UTC)
    try:
        async with pool.acquire() as conn, conn.transaction():
            await store.bind_identity(
                conn, account["id"], form=form, identity_hash=hashed, id_number_masked=masked
            )
            await add_to_outbox(
                conn,
                AccountActivated(
                    account_id=str(account["id"]),
                    name=form.name,
                    gender=form.gender,
                    birth_date=form.birth_date,
                    id_type=form.id_type,
                    identity_hash=hashed,
                    id_number_masked=masked,
                    activated_at=now,
                ),
                source=SOURCE,
            )
    except asyncpg.UniqueViolationError as exc:
        async with pool.acquire() as conn:
            await store.save_pending_realname(
                conn, account["id"], form=form, identity_hash=hashed, id_number_masked=masked
            )
        raise Problem(
            409,
            "id_number_taken",
            "This ID number is already registered. If it is yours, file an identity dispute.",
            dispute_path=DISPUTE_PATH,
        ) from exc
    return AccountStatus.ACTIVE
