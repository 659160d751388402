"""Print the OpenAPI documents of the services as one JSON object, built without I/O.

The front-end's API types are generated from these (web/scripts/gen-api.mjs); building the
apps needs no database, broker or running service.
"""

from __future__ import annotations

import json
import sys

from jiaodui_corrections.bootstrap import create_corrections_app
from jiaodui_identity.bootstrap import create_identity_app
from jiaodui_notify.bootstrap import create_notify_app
from jiaodui_photos.bootstrap import create_photos_app
from jiaodui_records.bootstrap import create_records_app
from jiaodui_reports.bootstrap import create_reports_app
from jiaodui_subscriptions.bootstrap import create_subscriptions_app

APPS = {
    "identity": create_identity_app,
    "records": create_records_app,
    "photos": create_photos_app,
    "notify": create_notify_app,
    "corrections": create_corrections_app,
    "reports": create_reports_app,
    "subscriptions": create_subscriptions_app,
}


def main() -> None:
    documents = {name: build().openapi() for name, build in APPS.items()}
    json.dump(documents, sys.stdout, ensure_ascii=False, sort_keys=True)


if __name__ == "__main__":
    main()
