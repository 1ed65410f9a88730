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


def _qr_image(url: str):
    import qrcode
    from reportlab.lib.utils import ImageReader

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    qr.add_data(url)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    buffer.seek(0)
    return ImageReader(buffer)


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
    pdf.drawImage(_qr_image(url), width - 220, 70, width=140, height=140)
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
