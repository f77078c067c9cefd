"""Collectibility policy, provision and penalty maths, checked against hand-worked figures."""

from __future__ import annotations

import pytest

from lumbung.core.errors import LumbungError
from lumbung.loans.collectibility import (
    default_policy,
    policy_from_data,
    portfolio_at_risk,
    provision_required,
)


def test_it_ships_a_default_that_says_it_is_not_regulation():
    policy = default_policy()
    assert policy.confirmed is False
    assert policy.confidence == "UNCONFIRMED"
    assert "BUKAN ketentuan resmi" in policy.notice
    assert [c.code for c in policy.classes] == ["lancar", "kurang_lancar", "diragukan", "macet"]


@pytest.mark.parametrize(
    ("days", "code"),
    [(0, "lancar"), (30, "lancar"), (31, "kurang_lancar"), (90, "kurang_lancar"),
     (91, "diragukan"), (180, "diragukan"), (181, "macet"), (5000, "macet")],
)
def test_it_classifies_by_days_past_due(days, code):
    assert default_policy().classify(days).code == code


def test_it_computes_the_provision_by_hand():
    policy = default_policy()
    # Rp10.000.000 lancar at 0.5 % = Rp50.000; Rp3.333.333,33 kurang lancar at 10 % rounds half up.
    assert provision_required(outstanding=10_000_000_00, loan_class=policy.by_code("lancar"),
                              deduct_collateral=False) == 50_000_00
    assert provision_required(outstanding=3_333_333_33, loan_class=policy.by_code("kurang_lancar"),
                              deduct_collateral=False) == 333_333_33
    assert provision_required(outstanding=1_000_05, loan_class=policy.by_code("diragukan"),
                              deduct_collateral=False) == 500_03
    # Collateral deducted only when the policy says so, never below zero.
    macet = policy.by_code("macet")
    assert provision_required(outstanding=8_000_000_00, loan_class=macet, collateral=5_000_000_00,
                              deduct_collateral=True) == 3_000_000_00
    assert provision_required(outstanding=8_000_000_00, loan_class=macet, collateral=9_000_000_00,
                              deduct_collateral=True) == 0
    assert provision_required(outstanding=8_000_000_00, loan_class=macet, collateral=9_000_000_00,
                              deduct_collateral=False) == 8_000_000_00


def test_portfolio_at_risk_counts_loans_beyond_each_bucket():
    loans = [(0, 100), (30, 200), (31, 400), (61, 800), (91, 1600)]
    assert portfolio_at_risk(loans) == {30: 2800, 60: 2400, 90: 1600}


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        (lambda c: c[0].update(min_days=1), "mulai dari 0"),
        (lambda c: c[2].update(min_days=31), "lebih besar"),
        (lambda c: c[2].update(provision_rate="0.05"), "tidak boleh lebih kecil"),
        (lambda c: c[3].update(provision_rate="1.5"), "antara 0 dan 1"),
        (lambda c: c[3].update(provision_rate="satu"), "bukan angka"),
        (lambda c: c[1].update(code="lancar"), "ganda"),
        (lambda c: c[3].update(performing=True), "bermasalah"),
    ],
)
def test_it_refuses_an_inconsistent_policy(change, detail):
    data = default_policy().as_data()
    change(data["classes"])
    with pytest.raises(LumbungError) as refused:
        policy_from_data(data)
    assert refused.value.code == "LOAN_POLICY_INVALID"
    assert detail in refused.value.message


def test_a_policy_may_add_dalam_perhatian_khusus():
    data = default_policy().as_data()
    data["classes"].insert(1, {"code": "dpk", "name": "Dalam perhatian khusus", "min_days": 1,
                               "provision_rate": "0.05", "performing": True})
    policy = policy_from_data(data)
    assert policy.classify(1).code == "dpk"
    assert policy.classify(31).code == "kurang_lancar"
    assert policy_from_data(policy.as_data()) == policy
