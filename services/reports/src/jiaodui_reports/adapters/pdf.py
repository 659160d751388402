"""The report as an A4 PDF (fpdf2), in Chinese or English, with the photo, the code, a QR
code to the public check page and the signed document attached for offline checks.

:func:`render` runs in the render worker process (see service_layer/issuing.py): fpdf2 and
segno are imported there, when the first page is drawn, never by the service itself (fpdf2
brings numpy and fontTools: ~20 MB the service would hold for good)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from jiaodui_reports.adapters.labels import FIELD_LABELS, TEXT, VALUES, VOCABULARY, Lang
from jiaodui_reports.domain.codes import grouped
from jiaodui_reports.domain.document import ON_REPORT

_BEIJING = timezone(timedelta(hours=8))
ATTACHMENT_JWS = "jiaodui-report.jws"
ATTACHMENT_JSON = "jiaodui-report.json"
OFFLINE_COMMAND = "python -m jiaodui_reports.offline report.pdf"


@dataclass(frozen=True, slots=True)
class PdfReport:
    """Everything a page shows, already decided (status is the caller's business)."""

    code: str
    record: dict[str, str | None]
    issued_at: datetime
    valid_until: datetime
    photo_jpeg: bytes
    signature: str  # the compact JWS
    key_id: str
    revision: int
    canonical: bytes
    check_url: str
    jwks_url: str


def find_font(paths: tuple[str, ...]) -> str:
    for path in paths:
        if Path(path).is_file():
            return path
    raise FileNotFoundError(f"no Chinese font found (looked for {', '.join(paths)})")


def _beijing(moment: datetime) -> str:
    return moment.astimezone(_BEIJING).strftime("%Y-%m-%d %H:%M")


def _value(field: str, value: str | None, lang: Lang) -> str:
    if value is None:
        return "—"
    if field in ("gender", "id_type"):
        return VALUES[lang].get(value, value)
    if field in VOCABULARY[lang]:
        return VOCABULARY[lang][field].get(value, value)
    if field == "duration_years":
        return TEXT[lang]["years"].format(value=value)
    return value


def _qr_png(url: str) -> io.BytesIO:
    import segno  # in the render worker only (see the module docstring)

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=8, border=2)
    out.seek(0)
    return out


def render(report: PdfReport, lang: Lang, font_path: str) -> bytes:
    from fpdf import FPDF  # in the render worker only (see the module docstring)

    text = TEXT[lang]
    labels = FIELD_LABELS[lang]
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_title(text["title"])
    pdf.set_creator("jiaodui reports")
    pdf.set_subject(f"{text['code']} {grouped(report.code)}")
    pdf.add_font("cjk", fname=font_path)
    pdf.add_page()
    left, width = 18.0, 174.0

    pdf.set_font("cjk", size=20 if lang == "zh" else 16)
    pdf.set_xy(left, 18)
    pdf.cell(width, 10, text["title"], align="C")
    pdf.set_font("cjk", size=9)
    pdf.set_text_color(90, 90, 90)
    pdf.set_xy(left, 29)
    pdf.cell(width, 5, text["subtitle"], align="C")
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(30, 80, 140)
    pdf.set_line_width(0.6)
    pdf.line(left, 37, left + width, 37)

    pdf.set_font("cjk", size=10)
    pdf.set_xy(left, 40)
    pdf.cell(
        width, 6, f"{text['issued']}: {_beijing(report.issued_at)}{text['beijing']}", align="L"
    )

    # the graduation photo, 3:4, top right
    photo_x, photo_y, photo_w, photo_h = 152.0, 50.0, 36.0, 48.0
    pdf.image(io.BytesIO(report.photo_jpeg), x=photo_x, y=photo_y, w=photo_w, h=photo_h)
    pdf.set_line_width(0.2)
    pdf.set_draw_color(160, 160, 160)
    pdf.rect(photo_x, photo_y, photo_w, photo_h)
    pdf.set_font("cjk", size=8)
    pdf.set_xy(photo_x, photo_y + photo_h + 1)
    pdf.cell(photo_w, 4, text["photo"], align="C")

    # the record: label | value rows
    y, label_w, value_w, row_h = 50.0, 34.0 if lang == "zh" else 40.0, 92.0, 7.4
    for field in ON_REPORT:
        pdf.set_xy(left, y)
        pdf.set_fill_color(240, 244, 250)
        pdf.set_font("cjk", size=9)
        pdf.cell(label_w, row_h, labels[field], border=1, fill=True)
        pdf.set_font("cjk", size=10)
        pdf.cell(value_w, row_h, _value(field, report.record.get(field), lang), border=1)
        y += row_h

    # validity, code and QR code
    box_y = y + 6
    pdf.set_draw_color(30, 80, 140)
    pdf.set_line_width(0.4)
    pdf.rect(left, box_y, width, 44)
    pdf.set_xy(left + 4, box_y + 4)
    pdf.set_font("cjk", size=11)
    pdf.cell(120, 7, f"{text['valid_until']}: {_beijing(report.valid_until)}{text['beijing']}")
    pdf.set_xy(left + 4, box_y + 13)
    pdf.set_font("cjk", size=10)
    pdf.cell(120, 6, f"{text['code']}:")
    pdf.set_xy(left + 4, box_y + 19)
    pdf.set_font("cjk", size=18)
    pdf.set_text_color(20, 60, 120)
    pdf.cell(120, 9, grouped(report.code))
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("cjk", size=8)
    pdf.set_xy(left + 4, box_y + 29)
    pdf.cell(120, 5, f"{text['check_at']}: {report.check_url}")
    pdf.set_xy(left + 4, box_y + 34)
    pdf.multi_cell(122, 4, text["how"])
    qr = 38.0
    pdf.image(_qr_png(report.check_url), x=left + width - qr - 3, y=box_y + 3, w=qr, h=qr)

    # the signature, for a reader with the public key
    sig_y = box_y + 50
    pdf.set_font("cjk", size=7.5)
    pdf.set_text_color(70, 70, 70)
    pdf.set_xy(left, sig_y)
    pdf.cell(width, 4, text["signature"].format(kid=report.key_id, revision=report.revision))
    pdf.set_font("Courier", size=6.5)
    pdf.set_xy(left, sig_y + 4.5)
    pdf.multi_cell(width, 3, report.signature.rsplit(".", 1)[-1])
    pdf.set_font("cjk", size=7.5)
    pdf.set_xy(left, pdf.get_y() + 1)
    pdf.multi_cell(width, 3.6, f"{text['offline']} {OFFLINE_COMMAND}")
    pdf.set_xy(left, pdf.get_y() + 0.5)
    pdf.multi_cell(width, 3.6, text["keys"].format(jwks=report.jwks_url))
    pdf.set_text_color(0, 0, 0)

    # the signed data itself, uncompressed: a reader can see it, a verifier can check it
    pdf.embed_file(
        bytes=report.signature.encode(),
        basename=ATTACHMENT_JWS,
        mime_type="application/jose",
        desc="Compact JWS (EdDSA) over the canonical JSON of the report",
        compress=False,
    )
    pdf.embed_file(
        bytes=report.canonical,
        basename=ATTACHMENT_JSON,
        mime_type="application/json",
        desc="The signed report document (canonical JSON, for reading)",
        compress=False,
    )
    return bytes(pdf.output())
