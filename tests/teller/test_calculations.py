"""Pure teller maths, against hand-worked counts and properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lumbung.teller.calculations import (
    CloseResult,
    count_total,
    denomination_rules,
    mask_reference,
    short_hash,
)

DENOMINATIONS = denomination_rules().denominations


def test_a_hand_counted_drawer():
    # 12 x Rp100.000 + 3 x Rp20.000 + 7 x Rp2.000 + 5 x Rp1.000 coin + 9 x Rp200
    # = 1.200.000 + 60.000 + 14.000 + 5.000 + 1.800 = Rp1.280.800
    count = {"k100000": 12, "k20000": 3, "k2000": 7, "l1000": 5, "l200": 9}
    assert count_total(count, DENOMINATIONS) == 1_280_800_00


@settings(deadline=None)  # a busy shared machine must not make a pure property flaky
@given(st.dictionaries(st.sampled_from([d.key for d in DENOMINATIONS]),
                       st.integers(min_value=0, max_value=10**6)))
def test_the_total_is_linear_in_the_pieces(count):
    doubled = {key: 2 * pieces for key, pieces in count.items()}
    assert count_total(doubled, DENOMINATIONS) == 2 * count_total(count, DENOMINATIONS)
    assert count_total(count, DENOMINATIONS) % 50_00 == 0  # nothing smaller than Rp50


@pytest.mark.parametrize("count", [{"k100000": -1}, {"k100000": 1.5}, {"k100000": True}])
def test_bad_pieces_are_refused(count):
    with pytest.raises(ValueError):
        count_total(count, DENOMINATIONS)


def test_an_unknown_denomination_is_refused():
    with pytest.raises(KeyError):
        count_total({"k3000": 1}, DENOMINATIONS)


@settings(deadline=None)  # a busy shared machine must not make a pure property flaky
@given(st.integers(0, 10**12), st.integers(0, 10**12))
def test_close_moves_exactly_what_was_counted(expected, counted):
    result = CloseResult(expected=expected, counted=counted)
    # The drawer ends at zero: book balance + difference - returned to the vault.
    assert expected + result.difference - result.to_vault == 0


def test_masking_and_short_hashes():
    assert mask_reference("SU-000123") == "•••••0123"
    assert mask_reference("12") == "••"
    assert short_hash("ab" * 32) == "ab" * 8


@settings(deadline=None)  # a busy shared machine must not make a pure property flaky
@given(st.integers(0, 10**9).map(lambda rupiah50: rupiah50 * 50_00))
def test_count_for_makes_up_any_multiple_of_rp50(amount):
    from lumbung.teller.calculations import count_for

    assert count_total(count_for(amount, DENOMINATIONS), DENOMINATIONS) == amount


def test_count_for_a_hand_worked_amount():
    from lumbung.teller.calculations import count_for

    # Rp187.350 = 100.000 + 75.000 + 10.000 + 2.000 + 200 + 100 + 50
    assert count_for(187_350_00, DENOMINATIONS) == {
        "k100000": 1, "k75000": 1, "k10000": 1, "k2000": 1, "l200": 1, "l100": 1, "l50": 1}
