"""reports' scheduled work: signing-key rotation (every instance; the table lock makes it
safe, and every instance reloads the key set so that all sign and publish the same keys)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from jiaodui_runtime.logging import get_logger
from jiaodui_runtime.service import ServiceRuntime
from jiaodui_runtime.signing_keys import rotate_keys

from jiaodui_reports.state import Reports

_log = get_logger(__name__)


async def housekeeping(rt: ServiceRuntime) -> None:
    rep: Reports = rt.state
    s = rep.settings
    while True:
        try:
            async with rt.pool.acquire() as conn:
                keys = await rotate_keys(
                    conn,
                    rotate_after=timedelta(days=s.key_rotation_days),
                    publish_ahead=timedelta(seconds=s.key_publish_ahead_s),
                    retire_after=timedelta(days=s.key_retire_after_days),
                )
            rep.signer.reload(keys)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            _log.warning("housekeeping_failed", error=repr(exc))
        await asyncio.sleep(s.housekeeping_interval_s)
