"""The cooperative menu (tabs under the header), one line per screen, filtered by role.

Each domain app adds its tabs here, in the order a user meets them during a working day.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lumbung.tenancy.access import BOOKKEEPING_ROLES, CooperativeAccess
from lumbung.tenancy.models import CooperativeRole

# The counter (teller's drawer): tellers and a manager standing in; the day's drawers are
# watched by the people who answer for the cash.
COUNTER_ROLES = frozenset({CooperativeRole.TELLER, CooperativeRole.MANAGER})
DRAWER_VIEW_ROLES = frozenset({CooperativeRole.MANAGER, CooperativeRole.ACCOUNTANT,
                               CooperativeRole.BOARD, CooperativeRole.SUPERVISORY_BOARD})


@dataclass(frozen=True)
class Tab:
    url_name: str
    label: str | Promise
    # Other URL names under which this tab shows as the current one.
    also_current: frozenset[str] = frozenset()
    # Only people holding one of these roles see the tab; None: everyone who may open the
    # cooperative, Dinas staff included (read-only).
    roles: frozenset[str] | None = None


TABS: list[Tab] = [
    Tab("members", _("Anggota"), also_current=frozenset({"member_detail", "member_new"})),
    Tab("savings_accounts", _("Simpanan"),
        also_current=frozenset({"savings_passbook", "savings_products", "savings_product_edit",
                                "savings_wadiah_bonus"})),
    Tab("accounts", _("Bagan akun")),
    Tab("journal_list", _("Jurnal"), also_current=frozenset({"journal_detail"})),
    Tab("entry_new", _("Jurnal manual"), roles=BOOKKEEPING_ROLES),
    Tab("approvals", _("Persetujuan")),
    Tab("trial_balance", _("Neraca saldo")),
    Tab("teller_home", _("Kasir"), roles=COUNTER_ROLES,
        also_current=frozenset({"teller_close", "teller_receipt"})),
    Tab("teller_drawers", _("Laci kas"), roles=DRAWER_VIEW_ROLES,
        also_current=frozenset({"teller_session"})),
    Tab("loans", _("Pinjaman"), also_current=frozenset({
        "loan_application_new", "loan_applications", "loan_portfolio", "loan_overdue",
        "loan_detail", "loan_quality", "loan_restructure", "loan_write_off", "loan_write_offs",
        "loan_collectibility_policy", "loan_profit_terms", "loan_profit_report",
        "loan_products", "loan_product_edit", "loan_standing_instruction"})),
    Tab("portal:pins", _("PIN anggota"),
        roles=frozenset({CooperativeRole.TELLER, CooperativeRole.MANAGER})),
    Tab("portal:counter_withdrawals", _("Tarik tunai anggota"), roles=COUNTER_ROLES),
    Tab("reports", _("Laporan")),
    Tab("period_close", _("Tutup buku")),
    Tab("shu", _("SHU")),
    Tab("rat", _("RAT")),
]


def tabs_for(access: CooperativeAccess) -> list[Tab]:
    return [tab for tab in TABS if tab.roles is None or access.has_any(tab.roles)]
