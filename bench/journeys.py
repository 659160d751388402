"""Whole journeys through the gateway, bound by password hashing: journeys/s vs argon2id/s."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import re
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

import httpx
from argon2 import PasswordHasher, Type
from jiaodui_runtime.testing.accounts import resident_id

from bench.cpu import measured
from bench.report import Row

GATEWAY = "http://127.0.0.1:8080"
MAIL = Path(__file__).resolve().parents[1] / ".stack" / "mail"
_TOKEN = re.compile(r"token=([A-Za-z0-9_\-]+)")
PASSWORD = "Bench-pass-1"  # noqa: S105


def _hash_many(n: int) -> int:
    hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, type=Type.ID)
    for _ in range(n):
        hasher.hash(PASSWORD)
    return n


def argon2_per_second(seconds_each: int = 40) -> float:
    """argon2id hashes/s using every core (the identity service's parameters)."""
    cores = os.cpu_count() or 1
    started = time.perf_counter()
    with ProcessPoolExecutor(cores) as pool:
        done = sum(pool.map(_hash_many, [seconds_each] * cores))
    return done / (time.perf_counter() - started)


class MailIndex:
    """Activation tokens by address, reading only mail files not seen before."""

    def __init__(self) -> None:
        self._seen: set[str] = {p.name for p in MAIL.glob("*.eml")}
        self._tokens: dict[str, str] = {}

    def token_for(self, address: str) -> str | None:
        if address not in self._tokens:
            for path in sorted(MAIL.glob("*.eml")):
                if path.name in self._seen:
                    continue
                self._seen.add(path.name)
                message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                match = _TOKEN.search(str(message.get_body(("plain",)).get_content()))  # type: ignore[union-attr]
                if match:
                    self._tokens[str(message["To"]).lower()] = match.group(1)
        return self._tokens.get(address)


async def journey(api: httpx.AsyncClient, mails: MailIndex) -> bool:
    address = f"bench-{uuid.uuid4().hex[:12]}@bench.edu.cn"
    form = {
        "email": address,
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "accept_terms": True,
    }
    if (await api.post("/api/identity/v1/accounts", json=form)).status_code != 202:
        return False
    deadline = time.monotonic() + 30
    while (token := mails.token_for(address)) is None:
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    activated = await api.post("/api/identity/v1/accounts/activate", json={"token": token})
    if activated.status_code != 200:
        return False
    headers = {"Authorization": f"Bearer {activated.json()['access_token']}"}
    born = date(2003, 1, 1)
    realname = await api.put(
        "/api/identity/v1/me/realname",
        headers=headers,
        json={
            "name": "测试",
            "gender": "male",
            "id_type": "resident_id",
            "id_number": resident_id(born, "male"),
            "birth_date": born.isoformat(),
            "province": "北京市",
            "city": "北京市",
            "consent_sensitive": True,
        },
    )
    if realname.status_code != 200:
        return False
    login = await api.post(
        "/api/identity/v1/sessions", json={"email": address, "password": PASSWORD}
    )
    if login.status_code != 200:
        return False
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    match = await api.get("/api/records/v1/me/match", headers=headers)
    return match.status_code in (200, 404)


async def journeys(count: int = 60, concurrency: int = 8) -> list[Row]:
    mails = MailIndex()
    async with httpx.AsyncClient(base_url=GATEWAY, timeout=60) as api:
        queue = list(range(count))
        ok = 0

        async def worker() -> None:
            nonlocal ok
            while queue:
                queue.pop()
                done = await journey(api, mails)  # not `ok += await …`: that reads ok
                ok += done  # before the await and loses the other workers' increments

        with measured("journeys", "journey") as window:
            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            elapsed = time.perf_counter() - started
            window.units = ok
    hashes = await asyncio.to_thread(argon2_per_second)
    # a journey hashes twice (registration, login) and verifies once (login)
    return [
        Row(
            "journeys",
            "register → activate → real name → login → match, per s",
            ok / elapsed,
            hashes / 3,
            "journeys/s",
            "bound by hashing",
            "argon2id hashes/s ÷ 3 (2 hashes + 1 verify per journey)",
            notes=f"{ok}/{count} journeys completed; argon2id alone: {hashes:.1f} hashes/s on all cores",
        )
    ]
