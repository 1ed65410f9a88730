"""The percentage an office or unit may enter (§六(七)): 0–100, at most two decimals; no database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhicheng.core.errors import ApplicationError
from zhicheng.similarity.rules import percent_parse, reference_parse


@pytest.mark.parametrize(("raw", "value"), [
    ("0", "0.00"), ("100", "100.00"), ("15.00", "15.00"), ("15.01", "15.01"), (" 12.5% ", "12.50"), (8, "8.00"),
])
def test_accepted(raw, value):
    assert percent_parse(raw) == Decimal(value)


@pytest.mark.parametrize(("raw", "code"), [
    ("-0.01", "similarity_percent_range"), ("100.01", "similarity_percent_range"),
    ("12.345", "similarity_percent_decimals"), ("0.001", "similarity_percent_decimals"),
    ("abc", "similarity_percent_invalid"), ("", "similarity_percent_invalid"), (None, "similarity_percent_invalid"),
    ("NaN", "similarity_percent_invalid"), ("Infinity", "similarity_percent_invalid"),
])
def test_refused_with_reason(raw, code):
    with pytest.raises(ApplicationError) as exc:
        percent_parse(raw)
    assert exc.value.code == code and exc.value.status == 400 and exc.value.message_zh


@given(st.integers(0, 10000))
def test_every_hundredth_from_0_to_100_is_accepted(hundredths):
    assert percent_parse(f"{Decimal(hundredths) / 100:.2f}") == Decimal(hundredths) / 100


def test_reference_required_for_cnki_and_limited():
    with pytest.raises(ApplicationError):
        reference_parse(" ", required=True)
    assert reference_parse("", required=False) == ""
    with pytest.raises(ApplicationError):
        reference_parse("x" * 61, required=True)
