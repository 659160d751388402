"""python -m soak: run the soak with the SOAK_* settings, write soak-results/, exit 1 on a
failure (any 5xx, RSS growth past the limit, lag that does not drain)."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from soak import report
from soak.config import Config
from soak.run import Soak, say


async def _soak(config: Config) -> dict[str, Any]:
    return await Soak(config).run()  # Kafka clients are made inside the running loop


def main() -> int:
    config = Config.from_env()
    say(f"{config.minutes:g} min in slices of {config.slice_minutes:g} min at {config.rate:g}/s")
    run = asyncio.run(_soak(config))
    path = report.write(run, config.results)
    print(report.markdown(run), flush=True)
    say(f"wrote {path}")
    return 1 if run["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
