"""Development mail and SMS sinks of the local jiaodui stack (one process, 127.0.0.1 only).

* SMTP on ``--smtp-port``: every message received is written, exactly as received, to one
  ``<UTC timestamp>-<uuid>.eml`` file in ``--mail-dir`` (written under a temporary name, then
  renamed, so a reader never sees half a message). No TLS; AUTH PLAIN/LOGIN is offered and any
  credentials are accepted, so a client configured with a user and password works too.
* HTTP on ``--sms-port``: ``POST /v1/messages`` with ``{"phone", "text", "sender"?, "ref"?}``
  appends one JSON line ``{"id", "at", "phone", "text", ...}`` to ``--sms-file`` and answers
  ``{"id"}``; ``GET /healthz`` answers 200.

SIGTERM or SIGINT stops both servers cleanly.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import uvicorn
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

HOST = "127.0.0.1"
MAX_MAIL_BYTES = 32 * 1024 * 1024
log = logging.getLogger("sinks")


def _stamp(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S.%fZ")


class MailSink:
    """aiosmtpd handler: one .eml file per message."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        data: bytes = envelope.original_content or b""
        path = await asyncio.to_thread(self._write, data)
        log.info("mail %s from %s to %s", path.name, envelope.mail_from, envelope.rcpt_tos)
        return "250 Message accepted for delivery"

    def _write(self, data: bytes) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{_stamp(datetime.now(UTC))}-{uuid.uuid4()}.eml"
        tmp = self.directory / f".{name}.tmp"
        with tmp.open("wb") as fh:
            fh.write(data)
        final = self.directory / name
        os.replace(tmp, final)
        return final


def _accept_any_login(*_args: object) -> AuthResult:
    return AuthResult(success=True)


class SmsSink:
    """Appends one JSON line per message; appends are serialised and flushed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = asyncio.Lock()

    async def append(self, record: dict[str, Any]) -> None:
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode()
        async with self._lock:
            await asyncio.to_thread(self._append, line)

    def _append(self, line: bytes) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("ab") as fh:
            fh.write(line)
            fh.flush()


def _problem(status: int, code: str, detail: str) -> JSONResponse:
    body = {"type": "about:blank", "status": status, "code": code, "detail": detail}
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def sms_app(sink: SmsSink) -> Starlette:
    async def post_message(request: Request) -> Response:
        try:
            payload = json.loads(await request.body())
        except ValueError:
            return _problem(400, "invalid_json", "The body is not JSON.")
        if not isinstance(payload, dict):
            return _problem(400, "invalid_json", "The body must be a JSON object.")
        phone, text = payload.get("phone"), payload.get("text")
        if not isinstance(phone, str) or not phone.strip():
            return _problem(422, "validation_failed", "phone: a non-empty string is required.")
        if not isinstance(text, str):
            return _problem(422, "validation_failed", "text: a string is required.")
        record: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "at": datetime.now(UTC).isoformat(),
            "phone": phone,
            "text": text,
        }
        for key in ("sender", "ref"):
            value = payload.get(key)
            if value is not None and not isinstance(value, str):
                return _problem(422, "validation_failed", f"{key}: must be a string.")
            if value is not None:
                record[key] = value
        await sink.append(record)
        log.info("sms %s to %s", record["id"], phone)
        return JSONResponse({"id": record["id"]})

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[
            Route("/v1/messages", post_message, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: main() owns SIGTERM/SIGINT."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve(
    mail_dir: Path, sms_file: Path, smtp_port: int, sms_port: int, host: str = HOST
) -> None:
    loop = asyncio.get_running_loop()
    mail = MailSink(mail_dir)
    smtp = await loop.create_server(
        lambda: SMTP(
            mail,
            hostname="jiaodui-mail-sink",
            data_size_limit=MAX_MAIL_BYTES,
            enable_SMTPUTF8=True,
            auth_require_tls=False,
            authenticator=_accept_any_login,
        ),
        host=host,
        port=smtp_port,
    )
    config = uvicorn.Config(
        sms_app(SmsSink(sms_file)),
        host=host,
        port=sms_port,
        lifespan="off",
        access_log=False,
        log_level="warning",
    )
    http = _Server(config)

    def stop() -> None:
        http.should_exit = True

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop)
    log.info(
        "smtp %s:%d -> %s; sms %s:%d -> %s", host, smtp_port, mail_dir, host, sms_port, sms_file
    )
    try:
        await http.serve()
    finally:
        smtp.close()
        await smtp.wait_closed()
        log.info("stopped")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--mail-dir", type=Path, required=True)
    parser.add_argument("--sms-file", type=Path, required=True)
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--sms-port", type=int, default=1080)
    parser.add_argument("--host", default=HOST, help="listen address (containers: 0.0.0.0)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: a line per connection
    args.mail_dir.mkdir(parents=True, exist_ok=True)
    args.sms_file.parent.mkdir(parents=True, exist_ok=True)
    asyncio.run(serve(args.mail_dir, args.sms_file, args.smtp_port, args.sms_port, args.host))


if __name__ == "__main__":
    main()
