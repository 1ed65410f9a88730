"""The PDFs: an e-certificate's face (with its QR code) and the title document; reportlab with the embedded CJK font."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.conf import settings
from django.urls import reverse

from zhicheng.files.pdf import pdf_cjk_font

from .rules import id_mask


def verification_url(code: str) -> str:
    """The absolute URL the QR code holds: the public verification page for this code."""
    base = (getattr(settings, "ZHICHENG_SITE_URL", "") or "http://localhost:8000").rstrip("/")
    return base + reverse("public_certificates:by_code", kwargs={"code": code})


# A fixed mask pattern: qrcode otherwise builds the symbol with all 8 masks to pick the "best" one (scoring is pure
# Python and was ~40% of a certificate's render); any mask decodes the same, and ours have one short URL shape.
QR_MASK_PATTERN = 0


def _qr_matrix(url: str) -> list[list[bool]]:
    import qrcode

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, mask_pattern=QR_MASK_PATTERN)
    qr.add_data(url)
    qr.make(fit=True)
    return qr.get_matrix()  # with the quiet zone (border) included


def _qr_draw(pdf, url: str, *, x: float, y: float, size: float) -> None:
    """Draw the QR code as vector squares (one rectangle per run of dark modules in a row): no PNG to encode."""
    matrix = _qr_matrix(url)
    module = size / len(matrix)
    path = pdf.beginPath()
    for row, cells in enumerate(matrix):
        top = y + size - (row + 1) * module
        column = 0
        while column < len(cells):
            if not cells[column]:
                column += 1
                continue
            start = column
            while column < len(cells) and cells[column]:
                column += 1
            path.rect(x + start * module, top, (column - start) * module, module)
    pdf.setFillColorRGB(0, 0, 0)
    pdf.drawPath(path, stroke=0, fill=1)


FACE_ROWS = (
    ("姓名", "name"), ("性别", "sex"), ("证件类型", "id_type_label"), ("证件号码", "id_masked"),
    ("系列", "series"), ("专业", "specialty"), ("职称名称", "title"), ("级别", "level"), ("有效范围", "scope"),
    ("取得方式", "obtained_by"), ("评审委员会", "committee"), ("审批日期", "approved_on"), ("文号", "document_number"),
    ("证书编号", "number"), ("验证码", "code"), ("发证机构", "issuer"),
)


def certificate_pdf(register: dict, *, id_type_label: str) -> bytes:
    """The certificate's face: masked ID number only (the full one is in the signed register data)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = pdf_cjk_font()
    values = dict(register, id_type_label=id_type_label, id_masked=id_mask(register.get("id_number", "")))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"职称电子证书 {register['number']}")
    pdf.setAuthor(str(register.get("issuer", "")))
    width, height = A4
    pdf.setLineWidth(2)
    pdf.rect(36, 36, width - 72, height - 72)
    pdf.setFont(font, 22)
    pdf.drawCentredString(width / 2, height - 110, "专业技术职务任职资格证书")
    pdf.setFont(font, 12)
    pdf.drawCentredString(width / 2, height - 134, "（电子证书）")
    y = height - 190
    for label, key in FACE_ROWS:
        pdf.setFont(font, 12)
        pdf.drawString(90, y, f"{label}：")
        pdf.setFont(font, 13)
        pdf.drawString(190, y, str(values.get(key, "") or "—"))
        y -= 28
    url = verification_url(register["code"])
    _qr_draw(pdf, url, x=width - 220, y=70, size=140)
    pdf.setFont(font, 9)
    pdf.drawString(80, 90, "扫描二维码或登录验证页面，输入证书编号和姓名核验本证书。")
    pdf.drawString(80, 76, "本证书经发证机构电子签章，任何改动都将使签章失效。")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def document_pdf(*, heading: str, number: str, issued_on: str, issuer: str,
                 rows: Sequence[tuple[str, str, str, str, str]]) -> bytes:
    """The title document: heading, number, date and the list (name, unit, series/specialty, title, scope)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = pdf_cjk_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"{number} {heading}")
    width, height = A4

    def header() -> float:
        pdf.setFont(font, 18)
        pdf.drawCentredString(width / 2, height - 80, issuer)
        pdf.setFont(font, 12)
        pdf.drawCentredString(width / 2, height - 104, number)
        pdf.setFont(font, 14)
        pdf.drawCentredString(width / 2, height - 134, heading)
        pdf.setFont(font, 10)
        for x, label in zip((60, 130, 270, 400, 480), ("姓名", "单位", "系列 / 专业", "职称", "有效范围"), strict=True):
            pdf.drawString(x, height - 170, label)
        return height - 190

    y = header()
    for row in rows:
        if y < 90:
            pdf.showPage()
            y = header()
        for x, value, limit in zip((60, 130, 270, 400, 480), row, (6, 12, 10, 7, 8), strict=True):
            pdf.drawString(x, y, value[:limit])
        y -= 18
    pdf.setFont(font, 11)
    pdf.drawString(width - 220, 70, f"{issuer}")
    pdf.drawString(width - 220, 54, issued_on)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
