"""SHU: split to 100%, member shares from ledger lines, approval, distribution once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lumbung.core.errors import LumbungError
from lumbung.ledger.models import AccountBalance, JournalEntry, SubledgerBalance
from lumbung.reports.calculations import largest_remainder, split_pool
from lumbung.reports.closing import year_end_close
from lumbung.reports.models import ShuPlan
from lumbung.reports.shu import (
    DEFAULT_SPLIT,
    shu_distribute,
    shu_plan_approve,
    shu_plan_save,
    shu_simulate,
)
from lumbung.reports.statements import build
from lumbung.tenancy.models import CooperativeRole
from tests.conftest import _staff

D = dt.date


@given(st.integers(min_value=0, max_value=10**15),
       st.dictionaries(st.integers(min_value=1, max_value=10**6),
                       st.integers(min_value=0, max_value=10**12), min_size=1, max_size=40))
def test_shares_sum_exactly_to_the_pool(total, weights):
    parts = largest_remainder(total, weights)
    assert set(parts) == set(weights)
    if any(weights.values()):
        assert sum(parts.values()) == total
        whole = sum(weights.values())
        for key, weight in weights.items():
            # Each part is its exact share rounded down or up, never further off.
            assert abs(parts[key] * whole - total * weight) < whole
    else:
        assert sum(parts.values()) == 0


def test_the_residue_rule_gives_leftover_sen_to_the_largest_remainders():
    # 100 sen over three equal members: 33.33 each, the extra sen to the first key.
    assert largest_remainder(100, {"a": 1, "b": 1, "c": 1}) == {"a": 34, "b": 33, "c": 33}
    assert largest_remainder(10, {"a": 1, "b": 2}) == {"a": 3, "b": 7}
    assert split_pool(400_000_00, DEFAULT_SPLIT)["reserve"] == 160_000_00


@pytest.fixture
def board(city):
    return _staff(city.coop_a, "pengurus-a", CooperativeRole.BOARD)


def _balance(coop, code):
    row = AccountBalance.objects.get(cooperative=coop, account__code=code)
    return row.credit - row.debit


def test_it_refuses_a_split_not_summing_to_100(books, city):
    split = dict(DEFAULT_SPLIT, reserve=Decimal("39.99"))
    with pytest.raises(LumbungError) as refused:
        shu_plan_save(cooperative=books, year=2025, percentages=split,
                      acting_user=city.accountant_a)
    assert refused.value.code == "SHU_SPLIT_NOT_100"
    assert not ShuPlan.objects.exists()
    with pytest.raises(LumbungError) as refused:
        shu_plan_save(cooperative=books, year=2025, percentages=DEFAULT_SPLIT,
                      acting_user=city.teller_a)
    assert refused.value.code == "PERMISSION_DENIED"
    assert not ShuPlan.objects.exists()


def test_it_simulates_approves_and_distributes_once(books, city, board):
    plan = shu_plan_save(cooperative=books, year=2025, percentages=DEFAULT_SPLIT,
                         acting_user=city.accountant_a)
    result = shu_simulate(cooperative=books, plan=plan)
    assert result.pool == 400_000_00
    assert result.components == {"reserve": 160_000_00, "capital_services": 80_000_00,
                                 "business_services": 80_000_00, "board": 20_000_00,
                                 "staff": 20_000_00, "education": 20_000_00,
                                 "social": 20_000_00, "regional": 0}
    # Jasa modal by pokok + wajib at year end: 1.500.000 : 1.000.000; jasa usaha by interest.
    assert [(m.member_id, m.capital, m.business) for m in result.members] == [
        (1, 48_000_00, 80_000_00), (2, 32_000_00, 0)]
    entries = JournalEntry.objects.count()
    for refusal, kwargs in (("SHU_NOT_APPROVED", {}),):
        with pytest.raises(LumbungError) as refused:
            shu_distribute(cooperative=books, year=2025, acting_user=city.accountant_a, **kwargs)
        assert refused.value.code == refusal
    with pytest.raises(LumbungError) as refused:
        shu_plan_approve(plan=plan, acting_user=city.manager_a)
    assert refused.value.code == "PERMISSION_DENIED"
    shu_plan_approve(plan=plan, acting_user=board)
    with pytest.raises(LumbungError) as refused:
        shu_distribute(cooperative=books, year=2025, acting_user=city.accountant_a)
    assert refused.value.code == "SHU_YEAR_NOT_CLOSED"
    assert JournalEntry.objects.count() == entries
    year_end_close(cooperative=books, year=2025, acting_user=city.accountant_a)
    shu_distribute(cooperative=books, year=2025, acting_user=city.accountant_a)
    assert _balance(books, "3302") == 0
    assert _balance(books, "3201") == 160_000_00
    assert _balance(books, "2111") == 0
    assert _balance(books, "2121") == 20_000_00
    payable = {s.ref: s.credit - s.debit for s in SubledgerBalance.objects.filter(
        cooperative=books, account__code="2116")}
    assert payable == {"member:1": 128_000_00, "member:2": 32_000_00}
    entries = JournalEntry.objects.count()
    with pytest.raises(LumbungError) as refused:
        shu_distribute(cooperative=books, year=2025, acting_user=city.accountant_a)
    assert refused.value.code == "SHU_ALREADY_DISTRIBUTED"
    assert JournalEntry.objects.count() == entries
    equity = build("equity-changes", cooperative=books, start=D(2026, 1, 1),
                   end=D(2026, 11, 20))
    assert equity.ties_out
    assert equity.value("distribution", 3) == 160_000_00  # reserve column
    assert equity.value("distribution", 4) == -400_000_00  # SHU column
    for name in ("balance-sheet", "surplus-statement", "cash-flow"):
        assert build(name, cooperative=books, start=D(2026, 1, 1),
                     end=D(2026, 11, 20)).ties_out, name
    promotion = build("member-promotion", cooperative=books, start=D(2026, 1, 1),
                      end=D(2026, 11, 20))
    assert promotion.value("member_shu") == 160_000_00
