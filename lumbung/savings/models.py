"""Savings products and members' savings accounts.

A savings account's balance is the ledger's SubledgerBalance for "savings:<account.pk>" on its
product's control account; no table here keeps a copy of it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lumbung.ledger.models import Account
from lumbung.members.models import Member
from lumbung.tenancy.models import Cooperative


class Kind(models.TextChoices):
    PRINCIPAL = "pokok", _("simpanan pokok")
    MANDATORY = "wajib", _("simpanan wajib")
    VOLUNTARY = "sukarela", _("simpanan sukarela")
    TIME = "berjangka", _("simpanan berjangka")
    WADIAH = "wadiah", _("tabungan wadiah")
    MUDHARABAH = "mudharabah", _("tabungan mudharabah")
    MUDHARABAH_TIME = "mudharabah_berjangka", _("deposito mudharabah")


# The control account each kind posts to, found by purpose in the cooperative's chart.
KIND_PURPOSE = {
    Kind.PRINCIPAL: "equity_principal",
    Kind.MANDATORY: "equity_mandatory",
    Kind.VOLUNTARY: "savings_voluntary",
    Kind.TIME: "savings_time",
    Kind.WADIAH: "savings_wadiah",
    Kind.MUDHARABAH: "savings_mudharabah",
    Kind.MUDHARABAH_TIME: "savings_time",
}
EQUITY_KINDS = frozenset({Kind.PRINCIPAL, Kind.MANDATORY})
TIME_KINDS = frozenset({Kind.TIME, Kind.MUDHARABAH_TIME})
SHARIA_KINDS = frozenset({Kind.WADIAH, Kind.MUDHARABAH, Kind.MUDHARABAH_TIME})
CONVENTIONAL_KINDS = frozenset({Kind.VOLUNTARY, Kind.TIME})
# One account per member (opened on admission, closed on exit).
ONE_PER_MEMBER_KINDS = EQUITY_KINDS
# Account number prefixes, so a number tells the teller what kind of account it is.
KIND_PREFIX = {
    Kind.PRINCIPAL: "SP", Kind.MANDATORY: "SW", Kind.VOLUNTARY: "SS", Kind.TIME: "SB",
    Kind.WADIAH: "TW", Kind.MUDHARABAH: "TM", Kind.MUDHARABAH_TIME: "DM",
}


class InterestMethod(models.TextChoices):
    NONE = "none", _("tanpa bunga")
    LOWEST = "lowest", _("saldo terendah")
    AVERAGE = "average", _("saldo rata-rata harian")


class Payout(models.TextChoices):
    MONTHLY = "monthly", _("setiap bulan")
    MATURITY = "maturity", _("saat jatuh tempo")


class SavingsProduct(models.Model):
    """A savings product of one cooperative; the defaults come from rules/products.yaml.

    Amounts in sen; rates and nisbah are percentages (Decimal). Which fields matter depends on
    the kind: fixed_amount for pokok (once) and wajib (each month); interest for sukarela and
    berjangka; nisbah for mudharabah; nothing is promised on wadiah (bonus is discretionary).
    """

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="savings_products"
    )
    code = models.SlugField(_("kode"), max_length=30)
    name = models.CharField(_("nama produk"), max_length=120)
    kind = models.CharField(_("jenis"), max_length=24, choices=Kind.choices)
    # The control account (by the kind's purpose) the accounts' balances live in.
    ledger_account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    # Sen: simpanan pokok once; simpanan wajib each month.
    fixed_amount = models.BigIntegerField(_("jumlah tetap"), default=0)
    # Wajib: the first month's dues are paid together with the pokok on admission.
    charge_on_admission = models.BooleanField(_("wajib pertama dibayar saat masuk"), default=False)
    # Sen; a withdrawal never leaves less than this.
    minimum_balance = models.BigIntegerField(_("saldo minimum"), default=0)
    # Sen; the first deposit into a new account is at least this.
    minimum_opening = models.BigIntegerField(_("setoran awal minimum"), default=0)
    # Percent a year (sukarela, berjangka).
    interest_rate = models.DecimalField(
        _("suku bunga per tahun (%)"), max_digits=7, decimal_places=4, default=0
    )
    interest_method = models.CharField(
        _("dasar bunga"), max_length=10, choices=InterestMethod.choices,
        default=InterestMethod.NONE,
    )
    # Percent of the distributable income on the account's average balance going to the member.
    nisbah = models.DecimalField(
        _("nisbah anggota (%)"), max_digits=7, decimal_places=4, default=0
    )
    # Months without a movement by the member after which the account becomes dormant (0: never).
    dormant_after_months = models.PositiveSmallIntegerField(_("dormant setelah (bulan)"), default=0)
    # Berjangka: default term, how interest is paid, penalty (% of principal) for breaking early.
    term_months = models.PositiveSmallIntegerField(_("jangka waktu (bulan)"), default=0)
    interest_payout = models.CharField(
        _("pembayaran bunga/bagi hasil"), max_length=10, choices=Payout.choices,
        default=Payout.MONTHLY,
    )
    penalty_rate = models.DecimalField(
        _("penalti pencairan sebelum jatuh tempo (%)"), max_digits=7, decimal_places=4,
        default=0,
    )
    active = models.BooleanField(_("aktif"), default=True)
    # rules/products.yaml version the product was installed from ("" when made by hand).
    rules_version = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["cooperative", "kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "code"], name="uniq_savings_product"),
            models.CheckConstraint(
                condition=Q(fixed_amount__gte=0, minimum_balance__gte=0, minimum_opening__gte=0,
                            interest_rate__gte=0, nisbah__gte=0, nisbah__lte=100,
                            penalty_rate__gte=0),
                name="savings_product_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_time_deposit(self) -> bool:
        return self.kind in TIME_KINDS


class SavingsAccount(models.Model):
    """One member's account in one product. Closed accounts stay, with their history."""

    class Status(models.TextChoices):
        OPEN = "open", _("aktif")
        DORMANT = "dormant", _("dormant")
        CLOSED = "closed", pgettext_lazy("account", "ditutup")

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="savings_accounts", db_index=False
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="savings_accounts")
    product = models.ForeignKey(SavingsProduct, on_delete=models.PROTECT, related_name="accounts")
    # Per cooperative, e.g. "SS-000123"; never reused.
    number = models.CharField(_("nomor rekening"), max_length=20)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField(_("tanggal buka"))
    closed_on = models.DateField(_("tanggal tutup"), null=True, blank=True)
    # Berjangka only: the agreed term, rate (% a year; for mudharabah the member's nisbah),
    # maturity and whether it rolls over automatically.
    term_months = models.PositiveSmallIntegerField(null=True, blank=True)
    rate = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    maturity_date = models.DateField(_("jatuh tempo"), null=True, blank=True)
    rollover = models.BooleanField(_("perpanjangan otomatis"), default=False)
    # Sen blocked from withdrawal (e.g. pledged for a loan); never above the balance.
    held_amount = models.BigIntegerField(_("saldo ditahan"), default=0)

    class Meta:
        ordering = ["cooperative", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "number"], name="uniq_savings_account_number"
            ),
            models.CheckConstraint(condition=Q(held_amount__gte=0), name="savings_held_gte_0"),
            models.CheckConstraint(
                condition=Q(status="closed", closed_on__isnull=False)
                | (~Q(status="closed") & Q(closed_on__isnull=True)),
                name="savings_closed_on_iff_closed",
            ),
        ]
        indexes = [
            models.Index(fields=["cooperative", "member"]),
            models.Index(fields=["cooperative", "product", "status"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def subledger_ref(self) -> str:
        return f"savings:{self.pk}"


class WajibDue(models.Model):
    """One month's simpanan wajib billed to a member; arrears are the unpaid part."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+",
                                    db_index=False)
    account = models.ForeignKey(SavingsAccount, on_delete=models.PROTECT, related_name="dues")
    # First day of the month billed.
    month = models.DateField()
    # Sen billed and sen paid so far (payments go to the oldest month first).
    amount = models.BigIntegerField()
    paid = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["account", "month"]
        constraints = [
            models.UniqueConstraint(fields=["account", "month"], name="uniq_wajib_due"),
            models.CheckConstraint(
                condition=Q(amount__gt=0, paid__gte=0, paid__lte=models.F("amount")),
                name="wajib_due_paid_within_amount",
            ),
        ]
        indexes = [models.Index(fields=["cooperative", "month"])]

    @property
    def outstanding(self) -> int:
        return self.amount - self.paid


class AccrualRun(models.Model):
    """Interest or profit share accrued so far for one product in one month (sen).

    The daily accrual step posts only the difference to what is recorded here, so a rerun
    after a crash never accrues twice.
    """

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+",
                                    db_index=False)
    product = models.ForeignKey(SavingsProduct, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    accrued = models.BigIntegerField(default=0)
    through = models.DateField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "product", "month"],
                                    name="uniq_accrual_run"),
        ]
