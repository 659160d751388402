"""Check a report PDF's signature offline: ``python -m jiaodui_reports.offline report.pdf``.

Reads the JWS attached to the PDF (``jiaodui-report.jws``), verifies it with the published
keys (``--jwks`` a file saved from ``/api/reports/.well-known/jwks.json``, or its URL) and
prints the signed data, to compare with what the page shows. Exit status 0: genuine;
1: the signature does not match (the data was changed, or it was not signed by us);
2: the file holds no report signature or the keys cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from jiaodui_reports.adapters.pdf import ATTACHMENT_JSON, ATTACHMENT_JWS
from jiaodui_reports.adapters.signing import SignatureInvalid, verify_jws

DEFAULT_JWKS = "http://localhost:8080/api/reports/.well-known/jwks.json"


def attachments(pdf: Path) -> dict[str, bytes]:
    """The files embedded in the PDF, by name (the first copy of each)."""
    reader = PdfReader(pdf)
    return {name: contents[0] for name, contents in reader.attachments.items() if contents}


def load_jwks(source: str) -> dict[str, Any]:
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=10) as answer:  # noqa: S310 - http(s) only
            data: dict[str, Any] = json.load(answer)
            return data
    loaded: dict[str, Any] = json.loads(Path(source).read_text())
    return loaded


def check(pdf: Path, jwks: dict[str, Any]) -> tuple[bool, str, dict[str, Any] | None]:
    """(genuine, message, the signed document when genuine)."""
    try:
        files = attachments(pdf)
    except (PyPdfError, OSError, ValueError) as exc:
        return False, f"cannot read the PDF: {exc}", None
    token = files.get(ATTACHMENT_JWS)
    if token is None:
        return False, f"the PDF carries no {ATTACHMENT_JWS}", None
    try:
        kid, payload = verify_jws(token.decode("ascii", "replace").strip(), jwks)
    except SignatureInvalid as exc:
        return False, f"NOT GENUINE: {exc}", None
    document: dict[str, Any] = json.loads(payload)
    readable = files.get(ATTACHMENT_JSON)
    if readable is not None and readable != payload:
        return False, f"NOT GENUINE: {ATTACHMENT_JSON} differs from the signed data", None
    return True, f"GENUINE: signed with key {kid}", document


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m jiaodui_reports.offline", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("pdf", type=Path)
    parser.add_argument("--jwks", default=DEFAULT_JWKS, help="JWKS file or URL")
    args = parser.parse_args(argv)
    try:
        jwks = load_jwks(args.jwks)
    except (OSError, ValueError) as exc:
        print(f"cannot read the keys from {args.jwks}: {exc}", file=sys.stderr)
        return 2
    genuine, message, document = check(args.pdf, jwks)
    print(message)
    if document is not None:
        print(json.dumps(document, ensure_ascii=False, indent=2))
        print("The signature proves the data above; compare it with what the page shows.")
        print(f"Its current status (valid, closed, superseded): {document['check_url']}")
    if genuine:
        return 0
    return 1 if message.startswith("NOT GENUINE") else 2


if __name__ == "__main__":
    raise SystemExit(main())
