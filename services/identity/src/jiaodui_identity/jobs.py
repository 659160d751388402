"""identity's scheduled work: key rotation and the expiry of never-activated accounts.

Every instance runs it; each step is safe to run concurrently (table lock for keys,
an idempotent DELETE for accounts), and every instance reloads the key set so that
all of them sign and verify with the same keys.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from jiaodui_runtime.logging import get_logger
from jiaodui_runtime.service import ServiceRuntime

from jiaodui_identity import store
from jiaodui_identity.adapters.signing import rotate_keys
from jiaodui_identity.state import Identity

_log = get_logger(__name__)


async def housekeeping(rt: ServiceRuntime) -> None:
    idn: Identity = rt.state
    s = idn.settings
    while True:
        try:
            async with rt.pool.acquire() as conn:
                keys = await rotate_keys(
                    conn,
                    rotate_after=timedelta(days=s.key_rotation_days),
                    publish_ahead=timedelta(seconds=s.key_publish_ahead_s),
                    token_lifetime=timedelta(seconds=s.access_token_ttl_s),
                )
                idn.signer.reload(keys)
                expired = await store.delete_unverified_before(
                    conn, timedelta(seconds=s.unverified_account_ttl_s)
                )
            if expired:
                _log.info("unverified_accounts_expired", count=expired)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            _log.warning("housekeeping_failed", error=repr(exc))
        await asyncio.sleep(s.housekeeping_interval_s)
