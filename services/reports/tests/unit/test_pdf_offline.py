"""The PDF carries the signed document; the offline command checks it with the public key,
and refuses the file once one byte of the signed data is changed."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jiaodui_reports import offline
from jiaodui_reports.adapters import pdf
from jiaodui_reports.adapters.signing import ReportSigner
from jiaodui_reports.domain.document import canonical_json, document, snapshot
from jiaodui_runtime.signing_keys import SigningKey
from jiaodui_runtime.workers import WorkerProcess
from PIL import Image
from pypdf import PdfReader

FONT_PATHS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",)


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (480, 640), (150, 170, 200)).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def font() -> str:
    try:
        return pdf.find_font(FONT_PATHS)
    except FileNotFoundError:
        pytest.skip("fonts-wqy-microhei is not installed")


@pytest.fixture
def page() -> tuple[pdf.PdfReport, ReportSigner, bytes]:
    signer = ReportSigner([SigningKey("k1", Ed25519PrivateKey.generate())])
    issued = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    record = snapshot({"name": "王芳", "gender": "female", "major": "软件工程"})
    doc = document(
        report_id="5f0c3f9e-3a43-4a57-9d0e-6f5bd9d1e2a1",
        code="ABCDEFGHJKMNPQRS",
        revision=1,
        issued_at=issued,
        valid_until=issued.replace(month=7),
        record=record,
        photo_sha256="ab" * 32,
        check_url="http://localhost:8080/verify/ABCDEFGHJKMNPQRS",
    )
    kid, token = signer.sign(doc)
    report = pdf.PdfReport(
        code="ABCDEFGHJKMNPQRS",
        record=record,
        issued_at=issued,
        valid_until=issued.replace(month=7),
        photo_jpeg=_photo(),
        signature=token,
        key_id=kid,
        revision=1,
        canonical=canonical_json(doc),
        check_url=doc["check_url"],
        jwks_url="http://localhost:8080/api/reports/.well-known/jwks.json",
    )
    return report, signer, canonical_json(doc)


@pytest.fixture
def signed(
    page: tuple[pdf.PdfReport, ReportSigner, bytes], font: str, tmp_path: Path
) -> tuple[Path, dict[str, object], bytes]:
    report, signer, doc = page
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.render(report, "zh", font))
    return path, signer.jwks(), doc


async def test_the_service_draws_the_page_in_its_worker_process(
    page: tuple[pdf.PdfReport, ReportSigner, bytes], font: str
) -> None:
    worker = WorkerProcess(name="pdf")
    try:
        data = await worker.run(pdf.render, page[0], "en", font)
    finally:
        worker.close()
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1 and "ABCD-EFGH-JKMN-PQRS" in reader.pages[0].extract_text()


def test_the_pdf_is_one_a4_page_with_the_text(
    signed: tuple[Path, dict[str, object], bytes],
) -> None:
    path, _jwks, _doc = signed
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)
    text = reader.pages[0].extract_text()
    assert "学籍在线验证报告" in text and "ABCD-EFGH-JKMN-PQRS" in text and "王芳" in text


def test_offline_check_passes(signed: tuple[Path, dict[str, object], bytes]) -> None:
    path, jwks, doc = signed
    genuine, message, document_ = offline.check(path, jwks)
    assert genuine, message
    assert document_ == json.loads(doc)


def test_offline_check_fails_after_one_byte_of_signed_data_changes(
    signed: tuple[Path, dict[str, object], bytes], tmp_path: Path
) -> None:
    path, jwks, _doc = signed
    data = bytearray(path.read_bytes())
    # the JWS is attached uncompressed: change one character of its payload (the signed data)
    token_at = data.index(b"eyJ")  # the JWS header starts the attachment
    payload_at = data.index(b".", token_at) + 20
    data[payload_at] = ord("A") if data[payload_at] != ord("A") else ord("B")
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(bytes(data))
    genuine, message, _ = offline.check(forged, jwks)
    assert not genuine and message.startswith("NOT GENUINE"), message


def test_the_command_answers_with_its_exit_status(
    signed: tuple[Path, dict[str, object], bytes],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, jwks, _doc = signed
    keys = tmp_path / "jwks.json"
    keys.write_text(json.dumps(jwks))
    assert offline.main([str(path), "--jwks", str(keys)]) == 0
    assert "GENUINE" in capsys.readouterr().out
    other = tmp_path / "other.json"
    other.write_text(
        json.dumps(ReportSigner([SigningKey("k1", Ed25519PrivateKey.generate())]).jwks())
    )
    assert offline.main([str(path), "--jwks", str(other)]) == 1
