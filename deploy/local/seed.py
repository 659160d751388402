"""Seed the demo data of the local stack and write .stack/credentials.json.

Idempotent: what exists is kept. Today it records the first admin (which identity
creates from its configuration); the demo institution, roster, photos, staff
accounts and windows are added by the service issues as their APIs land.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

DEV_ADMIN_EMAIL = "admin@jiaodui.local"
DEV_ADMIN_PASSWORD = "dev-only-admin-password"  # noqa: S105 - the dev default of identity


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--credentials", type=Path, required=True)
    parser.add_argument("--gateway", required=True)
    args = parser.parse_args()
    credentials = {
        "gateway": args.gateway,
        "admin": {
            "email": os.environ.get("JIAODUI_IDENTITY_ADMIN_EMAIL", DEV_ADMIN_EMAIL),
            "password": os.environ.get("JIAODUI_IDENTITY_ADMIN_PASSWORD", DEV_ADMIN_PASSWORD),
        },
        "staff": [],
        "students": [],
    }
    tmp = args.credentials.with_suffix(".tmp")
    tmp.write_text(json.dumps(credentials, ensure_ascii=False, indent=2) + "\n")
    tmp.replace(args.credentials)
    print(f"wrote {args.credentials}")


if __name__ == "__main__":
    main()
