"""Pure checks of a similarity entry: the percentage and the reference number, with reasons in both languages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from zhicheng.core.errors import ApplicationError

MAX_REFERENCE = 60


def percent_parse(raw) -> Decimal:
    """A percentage 0–100 with at most two decimals ("12.5", 12.5, "12.50%"); refuses anything else."""
    text = str(raw if raw is not None else "").strip().removesuffix("%").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ApplicationError("similarity_percent_invalid", "去除引用文献复制比须为数字（%）",
                               "The similarity (excluding references) must be a number (per cent)")
    if not Decimal(0) <= value <= Decimal(100):
        raise ApplicationError("similarity_percent_range", f"去除引用文献复制比须在 0 至 100 之间，收到 {text}",
                               f"The similarity must be between 0 and 100, got {text}")
    if value.as_tuple().exponent < -2:
        raise ApplicationError("similarity_percent_decimals", f"去除引用文献复制比最多保留两位小数，收到 {text}",
                               f"The similarity takes at most two decimals, got {text}")
    return value.quantize(Decimal("0.01"))


def reference_parse(raw, *, required: bool) -> str:
    text = str(raw or "").strip()
    if required and not text:
        raise ApplicationError("similarity_reference_required", "知网收录论文须填写查重检测编号",
                               "A CNKI-indexed paper needs the check's reference number")
    if len(text) > MAX_REFERENCE:
        raise ApplicationError("similarity_reference_long", f"检测编号不能超过 {MAX_REFERENCE} 个字符",
                               f"The reference number is longer than {MAX_REFERENCE} characters")
    return text
