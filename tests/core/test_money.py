"""Money helpers: Indonesian notation in, integer sen out; one rounding rule."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lumbung.core.money import (
    MAX_AMOUNT_SEN,
    format_rupiah,
    parse_rupiah,
    round_rupiah,
    round_sen,
    sen_to_decimal_rupiah,
)


@pytest.mark.parametrize(
    ("text", "sen"),
    [
        ("1.250.000", 125_000_000),
        ("1250000", 125_000_000),
        ("1.250.000,50", 125_000_050),
        ("1250000,5", 125_000_050),
        ("Rp 1.000", 100_000),
        ("Rp1.000,01", 100_001),
        ("0,01", 1),
    ],
)
def test_it_reads_indonesian_notation(text, sen):
    assert parse_rupiah(text) == sen


@pytest.mark.parametrize(
    "text",
    ["1250000.50", "1.5", "1,234.56", "Infinity", "sNaN", "1e40", "-5", "", "1.25.000",
     "1.000,123", "abc", "9" * 40],
)
def test_it_refuses_anything_it_would_have_to_guess(text):
    with pytest.raises(ValueError):
        parse_rupiah(text)


def test_it_refuses_absurd_sizes():
    assert parse_rupiah("1.000.000.000.000.000") == MAX_AMOUNT_SEN
    with pytest.raises(ValueError):
        parse_rupiah("1.000.000.000.000.001")


@given(st.integers(min_value=0, max_value=MAX_AMOUNT_SEN))
def test_formatting_and_parsing_round_trip(sen):
    assert parse_rupiah(format_rupiah(sen)) == sen


def test_display_and_machine_formats():
    assert format_rupiah(125_000_050) == "Rp1.250.000,50"
    assert format_rupiah(-5) == "-Rp0,05"
    assert sen_to_decimal_rupiah(-125_000_050) == "-1250000.50"


def test_rounding_is_half_up_in_one_place():
    assert round_sen(Decimal("2.5")) == 3
    assert round_sen(Decimal("-2.5")) == -3
    assert round_sen(Decimal("2.4999")) == 2
    assert round_rupiah(Decimal("150")) == 200
    assert round_rupiah(Decimal("149")) == 100
