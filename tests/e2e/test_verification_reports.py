"""Verification reports through the gateway (DESIGN §10, issue 19's "Done when"): a confirmed
student issues a 1-month report, downloads it in Chinese and English, a stranger checks it by
code and by the QR link, the PDF's signature checks offline (and fails once one byte of the
signed data changes), extension and closing work, an erratum supersedes the report and the
student is told, and 1,000 guessed codes from one address are throttled without a 5xx."""

from __future__ import annotations

import asyncio
import re
import shutil
import statistics
import subprocess
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from jiaodui_reports import offline
from jiaodui_reports.domain.codes import ALPHABET, new_code
from jiaodui_reports.domain.validity import add_months
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.sinks import mails_to, text_of

from tests.e2e.report_steps import (
    confirm_photo,
    confirmed_student,
    issue_report,
    local_client,
    matched_student,
)

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
CODE = re.compile(rf"^[{ALPHABET}]{{4}}(-[{ALPHABET}]{{4}}){{3}}$")
ROOT = Path(__file__).resolve().parents[2]


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


async def _pdf(gateway: httpx.AsyncClient, report: dict[str, Any], lang: str, headers: Any) -> Path:
    answer = await gateway.get(report["pdf"][lang], headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    folder = ROOT / ".stack" / "screenshots" / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"report-{lang}.pdf"
    path.write_bytes(answer.content)
    if shutil.which("pdftoppm"):  # pictures to look at (poppler-utils, installed by make test)
        stem = str(path.with_suffix(""))
        command = ["pdftoppm", "-r", "80", "-png", "-singlefile", str(path), stem]
        await asyncio.to_thread(subprocess.run, command, check=True)
        assert path.with_suffix(".png").stat().st_size > 10_000
    return path


async def test_a_report_is_issued_checked_extended_closed_and_superseded(
    gateway: httpx.AsyncClient, stack: StackEndpoints, tmp_path: Path
) -> None:
    who, photo_id = await matched_student(gateway, stack)
    headers = who.student.headers

    async def refused_unconfirmed() -> dict[str, Any] | None:
        answer = await gateway.post(
            "/api/reports/v1/me/reports",
            json={"record_id": who.record_id, "months": 1},
            headers=headers,
        )
        return answer.json() if answer.status_code == 409 else None

    problem = await eventually(
        refused_unconfirmed, timeout_s=180, interval_s=0.5, what="reports to know the record"
    )
    assert problem["code"] == "record_not_confirmed"
    assert problem["missing"] == ["graduation_photo"]

    await confirm_photo(gateway, who, photo_id)
    report = await issue_report(gateway, who, months=1)
    assert CODE.match(report["code"]), report["code"]
    assert report["status"] == "valid" and report["months"] == 1 and report["check_count"] == 0
    assert _at(report["valid_until"]) == add_months(_at(report["issued_at"]), 1)
    assert report["record"]["name"] == who.name
    assert "*" in report["record"]["id_number_masked"]

    # the PDF in both languages (pictures in .stack/screenshots/reports/)
    zh = await _pdf(gateway, report, "zh", headers)
    en = await _pdf(gateway, report, "en", headers)

    # a stranger checks it by code, and by the QR code's link
    async with local_client(stack) as stranger:
        checked = await stranger.get(f"/api/reports/v1/verify/{report['code']}")
        assert checked.status_code == 200, checked.text
        body = checked.json()
        assert body["status"] == "valid" and body["record"]["name"] == who.name
        assert body["record"]["id_number_masked"] == report["record"]["id_number_masked"]
        assert body["valid_until"] == report["valid_until"]
        photo = await stranger.get(body["photo_url"])
        assert photo.status_code == 200 and photo.content.startswith(b"\xff\xd8")
        qr_path = httpx.URL(report["check_url"]).path
        assert qr_path == f"/verify/{report['code'].replace('-', '')}"
        page = await stranger.get(qr_path)
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        typed = qr_path.rsplit("/", 1)[1].replace("-", " ").lower()
        again = await stranger.get(f"/api/reports/v1/verify/{typed}")
        assert again.status_code == 200 and again.json()["status"] == "valid"
        jwks = (await stranger.get("/api/reports/.well-known/jwks.json")).json()

    # offline: the PDF's signature checks with the published key, and not after one byte
    for path in (zh, en):
        genuine, message, document = offline.check(path, jwks)
        assert genuine, message
        assert document is not None and document["code"] == report["code"].replace("-", "")
    data = bytearray(zh.read_bytes())
    token_at = data.index(b"eyJ")
    flip = data.index(b".", token_at) + 30
    data[flip] = ord("A") if data[flip] != ord("A") else ord("B")
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(bytes(data))
    genuine, message, _ = offline.check(forged, jwks)
    assert not genuine and message.startswith("NOT GENUINE"), message

    # the student sees how often it was checked (not by whom)
    mine = (await gateway.get("/api/reports/v1/me/reports", headers=headers)).json()
    assert [r["check_count"] for r in mine if r["report_id"] == report["report_id"]] == [2]

    # extend: by 3 months, then to the limit of six months from now, then no further
    rid = report["report_id"]
    extended = await gateway.post(
        f"/api/reports/v1/me/reports/{rid}/extend", json={"months": 3}, headers=headers
    )
    assert extended.status_code == 200, extended.text
    assert _at(extended.json()["valid_until"]) == add_months(_at(report["valid_until"]), 3)
    assert extended.json()["revision"] == 2
    longest = await gateway.post(
        f"/api/reports/v1/me/reports/{rid}/extend", json={"months": 6}, headers=headers
    )
    assert longest.status_code == 200, longest.text
    limit = await gateway.post(
        f"/api/reports/v1/me/reports/{rid}/extend", json={"months": 1}, headers=headers
    )
    assert limit.status_code == 409 and limit.json()["code"] == "extension_limit"

    # a second report, closed at once
    other = await issue_report(gateway, who, months=3)
    closed = await gateway.post(
        f"/api/reports/v1/me/reports/{other['report_id']}/close", headers=headers
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    again_closed = await gateway.post(
        f"/api/reports/v1/me/reports/{other['report_id']}/close", headers=headers
    )
    assert again_closed.json() == closed.json()
    refused = await gateway.post(
        f"/api/reports/v1/me/reports/{other['report_id']}/extend",
        json={"months": 1},
        headers=headers,
    )
    assert refused.status_code == 409 and refused.json()["code"] == "report_closed"
    async with local_client(stack) as stranger:
        shown = (await stranger.get(f"/api/reports/v1/verify/{other['code']}")).json()
    assert shown["status"] == "closed" and shown["record"] is None and shown["photo_url"] is None

    # an erratum changes the record: the open report is superseded, the student is told
    filed = await gateway.post(
        "/api/corrections/v1/errata",
        json={
            "record_id": who.record_id,
            "items": [{"field": "major", "correct_value": "数据科学"}],
        },
        headers=headers,
    )
    assert filed.status_code == 201, filed.text
    erratum_id = filed.json()["erratum_id"]
    blocked = await gateway.post(
        "/api/reports/v1/me/reports", json={"record_id": who.record_id}, headers=headers
    )

    async def blocked_by_erratum() -> dict[str, Any] | None:
        answer = await gateway.post(
            "/api/reports/v1/me/reports", json={"record_id": who.record_id}, headers=headers
        )
        return answer.json() if answer.status_code == 409 else None

    problem = await eventually(blocked_by_erratum, what="reports to see the open erratum")
    assert problem["code"] == "record_not_confirmed" and problem["missing"] == ["erratum"]
    assert blocked.status_code in (201, 409)
    approved = await gateway.post(
        f"/api/corrections/v1/errata/{erratum_id}/approve", headers=who.office.headers
    )
    assert approved.status_code == 200, approved.text

    async def superseded() -> dict[str, Any] | None:
        async with local_client(stack) as stranger:
            answer = (await stranger.get(f"/api/reports/v1/verify/{report['code']}")).json()
        return answer if answer["status"] == "superseded" else None

    seen = await eventually(superseded, timeout_s=60, interval_s=0.3, what="the report superseded")
    assert seen["record"] is None and seen["signature"] is None
    mine = (await gateway.get("/api/reports/v1/me/reports", headers=headers)).json()
    by_id = {r["report_id"]: r for r in mine}
    assert by_id[rid]["status"] == "superseded"
    assert by_id[rid]["superseded_reason"] == "record_corrected"
    assert by_id[other["report_id"]]["status"] == "closed"
    pdf = await gateway.get(report["pdf"]["zh"], headers=headers)
    assert pdf.status_code == 409 and pdf.json()["code"] == "report_superseded"

    assert stack.stack_dir is not None
    mail_dir = stack.stack_dir

    async def told() -> list[Any]:
        mails = await asyncio.to_thread(mails_to, mail_dir, who.student.email)
        return [m for m in mails if "/student/reports" in text_of(m)]

    notices = await eventually(told, timeout_s=60, interval_s=0.3, what="the superseded mail")
    assert "验证报告" in str(notices[-1]["Subject"])

    # once the fix is applied, a new report shows the new data
    fresh = await issue_report(gateway, who, months=1)
    assert fresh["record"]["major"] == "数据科学"


async def test_another_student_cannot_touch_a_report(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    owner = await confirmed_student(gateway, stack)
    report = await issue_report(gateway, owner)
    intruder = await confirmed_student(gateway, stack)
    rid = report["report_id"]
    for method, path, body in (
        ("GET", report["pdf"]["zh"], None),
        ("POST", f"/api/reports/v1/me/reports/{rid}/extend", {"months": 1}),
        ("POST", f"/api/reports/v1/me/reports/{rid}/close", None),
    ):
        answer = await gateway.request(method, path, json=body, headers=intruder.student.headers)
        assert answer.status_code == 404 and answer.json()["code"] == "report_not_found"
    foreign = await gateway.post(
        "/api/reports/v1/me/reports",
        json={"record_id": owner.record_id},
        headers=intruder.student.headers,
    )
    assert foreign.status_code == 404 and foreign.json()["code"] == "record_not_found"


async def test_a_thousand_guessed_codes_from_one_address_are_throttled_without_5xx(
    stack: StackEndpoints,
) -> None:
    statuses: list[int] = []
    retry_after: set[str] = set()
    started = time.monotonic()
    async with local_client(stack) as attacker:
        limit = asyncio.Semaphore(25)

        async def guess() -> None:
            async with limit:
                answer = await attacker.get(f"/api/reports/v1/verify/{new_code()}")
            statuses.append(answer.status_code)
            if answer.status_code == 429:
                retry_after.add(answer.headers.get("retry-after", ""))
                assert answer.json()["code"] == "rate_limited"
            else:
                assert answer.json()["code"] == "report_not_found"

        await asyncio.gather(*(guess() for _ in range(1000)))
    elapsed = time.monotonic() - started
    counts = {s: statuses.count(s) for s in set(statuses)}
    print(f"1000 guesses in {elapsed:.1f}s: {counts}, Retry-After {sorted(retry_after)}")
    assert set(counts) <= {404, 429}
    assert counts.get(404, 0) <= 30  # the per-address limit per minute
    assert counts.get(429, 0) >= 970
    assert all(value.isdigit() and int(value) >= 1 for value in retry_after)


async def test_unknown_codes_answer_as_slowly_as_known_ones(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    who = await confirmed_student(gateway, stack)
    report = await issue_report(gateway, who)
    known: list[float] = []
    unknown: list[float] = []
    async with local_client(stack) as reader:
        for i in range(20):
            code = report["code"] if i % 2 == 0 else new_code()
            started = time.perf_counter()
            answer = await reader.get(f"/api/reports/v1/verify/{code}")
            took = time.perf_counter() - started
            assert answer.status_code == (200 if i % 2 == 0 else 404)
            (known if i % 2 == 0 else unknown).append(took)
    print(
        f"known p50 {statistics.median(known) * 1000:.0f} ms, "
        f"unknown p50 {statistics.median(unknown) * 1000:.0f} ms"
    )
    assert min(unknown) >= 0.12 and min(known) >= 0.12  # the answer floor holds for both
