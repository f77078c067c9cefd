"""Sharia financing: the maths of each akad (pure) and where its money goes.

- murabahah: the receivable is the selling price (cost + margin); the margin waits in a contra
  account (deferred margin) and becomes income in proportion to the receivable collected
  (PSAK 102 proportional method; exact method [UNCONFIRMED], regulations.md §4.3).
- mudharabah / musyarakah: profit the member realises in a period is shared by the agreed
  nisbah; a loss is borne by capital share (mudharabah: the cooperative provided all capital,
  so it bears the whole loss unless the member was negligent).
- ijarah (ijarah multijasa): the ujrah part of each instalment is income.
- qardh: principal only; an admin fee is allowed (to income_qardh_fee or the benevolence fund).
- a late charge (ta'zir) on any sharia contract goes to the benevolence fund, never to income.
"""

from __future__ import annotations

from decimal import Decimal

from lumbung.core.money import round_sen

CONVENTIONAL = "conventional"
MURABAHAH = "murabahah"
MUDHARABAH = "mudharabah"
MUSYARAKAH = "musyarakah"
IJARAH = "ijarah"
QARDH = "qardh"
SHARIA_CONTRACTS = (MURABAHAH, MUDHARABAH, MUSYARAKAH, IJARAH, QARDH)
PROFIT_SHARING_CONTRACTS = (MUDHARABAH, MUSYARAKAH)

# The control account (purpose) holding each contract's receivable, and where its return goes.
RECEIVABLE_PURPOSE = {
    CONVENTIONAL: "loans_members",
    MURABAHAH: "financing_murabahah",
    MUDHARABAH: "financing_mudharabah",
    MUSYARAKAH: "financing_musyarakah",
    IJARAH: "financing_ijarah",
    QARDH: "financing_qardh",
}
RETURN_PURPOSE = {
    CONVENTIONAL: "income_loan_interest",
    MURABAHAH: "income_murabahah_margin",
    MUDHARABAH: "income_mudharabah",
    MUSYARAKAH: "income_musyarakah",
    IJARAH: "income_ijarah",
}


def is_sharia(contract: str) -> bool:
    return contract in SHARIA_CONTRACTS


def late_charge_purpose(contract: str) -> str:
    """Where a late charge goes: ta'zir on sharia contracts to the benevolence fund (dana
    kebajikan, a social fund), denda on conventional loans to income."""
    return "benevolence_fund" if is_sharia(contract) else "income_loan_penalty"


def margin_recognised(*, margin: int, selling_price: int, collected_before: int,
                      collected_now: int) -> int:
    """Murabahah margin (sen) that becomes income when `collected_now` of the selling price is
    collected after `collected_before`: margin × collected / selling price, computed on the
    running total so the parts always add up to the whole margin once everything is collected."""
    if selling_price <= 0:
        return 0

    def share(collected: int) -> int:
        collected = min(max(collected, 0), selling_price)
        return round_sen(Decimal(margin) * collected / selling_price)

    return share(collected_before + collected_now) - share(collected_before)


def profit_share(*, realised_profit: int, nisbah: Decimal) -> int:
    """The cooperative's share (sen) of profit the member realised, by its nisbah (0..1)."""
    if realised_profit <= 0:
        return 0
    return round_sen(Decimal(realised_profit) * nisbah)


def loss_share(*, loss: int, cooperative_capital: int, member_capital: int,
               member_negligent: bool = False) -> int:
    """The part of a loss (sen) the cooperative bears: by capital share (musyarakah; for
    mudharabah the member's capital is 0, so the cooperative bears it all), nothing when the
    member was negligent (the member then owes it)."""
    total_capital = cooperative_capital + member_capital
    if loss <= 0 or member_negligent or total_capital <= 0:
        return 0
    return round_sen(Decimal(loss) * cooperative_capital / total_capital)
