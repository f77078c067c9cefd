"""Sharia financing maths against hand-worked examples and properties."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from lumbung.loans.sharia import (
    late_charge_purpose,
    loss_share,
    margin_recognised,
    profit_share,
)


def test_murabahah_margin_follows_the_collected_share_of_the_selling_price():
    # Cost Rp10.000.000, margin Rp1.200.000, selling price Rp11.200.000 over 12 instalments
    # of Rp933.333,33 (last Rp933.333,37): each instalment recognises 1/12 of the margin.
    margin, price = 1_200_000_00, 11_200_000_00
    first = margin_recognised(margin=margin, selling_price=price, collected_before=0,
                              collected_now=933_333_33)
    assert first == 100_000_00  # 1.2M × 933,333.33 / 11.2M = 99,999.9996 → Rp100.000,00
    half = margin_recognised(margin=margin, selling_price=price, collected_before=0,
                             collected_now=5_600_000_00)
    assert half == 600_000_00


@given(margin=st.integers(0, 10**10), cost=st.integers(1, 10**11),
       cuts=st.lists(st.integers(1, 10**11), max_size=30))
def test_murabahah_margin_parts_add_up_to_the_margin(margin, cost, cuts):
    price = cost + margin
    payments, left = [], price
    for cut in cuts:
        if left <= 0:
            break
        payments.append(min(cut, left))
        left -= payments[-1]
    payments.append(left)
    collected = 0
    total = 0
    for amount in payments:
        part = margin_recognised(margin=margin, selling_price=price, collected_before=collected,
                                 collected_now=amount)
        assert 0 <= part <= amount
        total += part
        collected += amount
    assert total == margin


def test_profit_and_loss_sharing_by_hand():
    # Member realised Rp4.000.000; cooperative nisbah 35 % → Rp1.400.000.
    assert profit_share(realised_profit=4_000_000_00, nisbah=Decimal("0.35")) == 1_400_000_00
    assert profit_share(realised_profit=-1, nisbah=Decimal("0.35")) == 0
    # Musyarakah: cooperative Rp30.000.000 + member Rp10.000.000; loss Rp2.000.000 → 75 %.
    assert loss_share(loss=2_000_000_00, cooperative_capital=30_000_000_00,
                      member_capital=10_000_000_00) == 1_500_000_00
    # Mudharabah: all capital is the cooperative's; a negligent member bears it instead.
    assert loss_share(loss=2_000_000_00, cooperative_capital=30_000_000_00,
                      member_capital=0) == 2_000_000_00
    assert loss_share(loss=2_000_000_00, cooperative_capital=30_000_000_00, member_capital=0,
                      member_negligent=True) == 0


def test_late_charges_on_sharia_contracts_go_to_the_benevolence_fund():
    assert late_charge_purpose("conventional") == "income_loan_penalty"
    for contract in ("murabahah", "mudharabah", "musyarakah", "ijarah", "qardh"):
        assert late_charge_purpose(contract) == "benevolence_fund"
