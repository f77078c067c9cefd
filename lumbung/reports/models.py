"""Month-end balance snapshots, year-end closings, SHU plans and RAT meetings.

Reports never keep a number the journal can give: a snapshot is a copy of the ledger's own
materialized balances at a month's end (rewritten when the month is closed, so a closed month's
snapshot is final), and the other rows only point at journal entries.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from lumbung.ledger.models import Account, JournalEntry
from lumbung.tenancy.models import Cooperative


class AccountSnapshot(models.Model):
    """Running debit and credit sums of one account at the end of one month (sen).

    Written by the month-end EOD step (provisional) and again when the month is closed
    (`final`); statements read only final snapshots, so a back-dated posting into an open month
    can never make a statement wrong.
    """

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    # Last day of the month.
    month_end = models.DateField()
    # Sums in sen of every line of the account dated up to month_end.
    debit = models.BigIntegerField()
    credit = models.BigIntegerField()
    final = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "month_end", "account"], name="uniq_account_snapshot"
            )
        ]


class YearEndClosing(models.Model):
    """The entry that moved a year's income and expenses to SHU periode berjalan."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="+")
    # SHU setelah pajak moved to current_surplus, in sen (negative: a loss).
    surplus = models.BigIntegerField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "year"], name="uniq_year_end_closing")
        ]


class SavingsBasis(models.TextChoices):
    PRINCIPAL_MANDATORY = "pokok_wajib", _("Simpanan pokok + wajib")
    WITH_VOLUNTARY = "pokok_wajib_sukarela", _("Simpanan pokok + wajib + sukarela")


class BalanceMethod(models.TextChoices):
    YEAR_END = "akhir_tahun", _("Saldo akhir tahun")
    AVERAGE = "rata_rata", _("Saldo rata-rata bulanan")


class Payout(models.TextChoices):
    PAYABLE = "hutang", _("Hutang SHU anggota (diambil tunai / dipindahbukukan nanti)")
    VOLUNTARY = "sukarela", _("Langsung ke simpanan sukarela anggota")


# Component -> account purpose it is credited to (jasa modal and jasa usaha go to members).
SHU_COMPONENTS: dict[str, str] = {
    "reserve": "reserve",
    "capital_services": "",
    "business_services": "",
    "board": "shu_fund_board",
    "staff": "shu_fund_staff",
    "education": "shu_fund_education",
    "social": "shu_fund_social",
    "regional": "shu_fund_regional",
}


class ShuPlan(models.Model):
    """The AD/ART split of one year's SHU and how member shares are measured.

    Percentages are Decimals summing to exactly 100 (checked by the database too). Approved by
    the board after the RAT; distributed once.
    """

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    reserve = models.DecimalField(_("cadangan"), max_digits=5, decimal_places=2)
    capital_services = models.DecimalField(_("jasa modal"), max_digits=5, decimal_places=2)
    business_services = models.DecimalField(_("jasa usaha"), max_digits=5, decimal_places=2)
    board = models.DecimalField(_("dana pengurus dan pengawas"), max_digits=5, decimal_places=2)
    staff = models.DecimalField(_("dana karyawan"), max_digits=5, decimal_places=2)
    education = models.DecimalField(_("dana pendidikan"), max_digits=5, decimal_places=2)
    social = models.DecimalField(_("dana sosial"), max_digits=5, decimal_places=2)
    regional = models.DecimalField(
        _("dana pembangunan daerah kerja"), max_digits=5, decimal_places=2
    )
    savings_basis = models.CharField(
        max_length=30, choices=SavingsBasis.choices, default=SavingsBasis.PRINCIPAL_MANDATORY
    )
    balance_method = models.CharField(
        max_length=20, choices=BalanceMethod.choices, default=BalanceMethod.YEAR_END
    )
    # Account purposes whose member lines (credit - debit) measure jasa usaha.
    participation_purposes = models.JSONField(default=list)
    payout = models.CharField(max_length=10, choices=Payout.choices, default=Payout.PAYABLE)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    distributed_at = models.DateTimeField(null=True, blank=True)
    # The entry that moved the non-member parts; member parts follow in entries keyed alike.
    entry = models.ForeignKey(
        JournalEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "year"], name="uniq_shu_plan"),
            models.CheckConstraint(
                condition=Q(reserve__gte=0) & Q(capital_services__gte=0)
                & Q(business_services__gte=0) & Q(board__gte=0) & Q(staff__gte=0)
                & Q(education__gte=0) & Q(social__gte=0) & Q(regional__gte=0),
                name="shu_plan_pct_not_negative",
            ),
            models.CheckConstraint(
                condition=Exact(
                    F("reserve") + F("capital_services") + F("business_services") + F("board")
                    + F("staff") + F("education") + F("social") + F("regional"),
                    Value(Decimal(100)),
                ),
                name="shu_plan_pct_sum_100",
            ),
        ]

    def percentages(self) -> dict[str, Decimal]:
        return {name: Decimal(getattr(self, name)) for name in SHU_COMPONENTS}


class RatMeeting(models.Model):
    """A Rapat Anggota Tahunan held for a book year (the Dinas reads the date)."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    held_on = models.DateField()
    place = models.CharField(max_length=200, blank=True)
    attendees = models.PositiveIntegerField(default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "year"], name="uniq_rat_meeting")
        ]
