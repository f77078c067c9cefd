"""Loan and financing products, applications, loans, their schedules and repayments.

A loan's outstanding principal (or a sharia receivable) is the ledger's SubledgerBalance for
`loan:<pk>` on the product contract's control account; an overpayment kept as credit is the
SubledgerBalance of `loan:<pk>` on `loan_credit`. No balance is copied here: the instalment rows
say what was scheduled and which part of each has been paid, so arrears can be read per row.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lumbung.ledger.models import JournalEntry
from lumbung.loans.calculations import EarlyPayoffRule, Method, PenaltyPeriod
from lumbung.members.models import Member
from lumbung.tenancy.models import Cooperative


class Contract(models.TextChoices):
    CONVENTIONAL = "conventional", _("pinjaman konvensional")
    MURABAHAH = "murabahah", _("murabahah (jual beli)")
    MUDHARABAH = "mudharabah", _("mudharabah (bagi hasil)")
    MUSYARAKAH = "musyarakah", _("musyarakah (kemitraan)")
    IJARAH = "ijarah", _("ijarah (sewa)")
    QARDH = "qardh", _("qardh (pinjaman kebajikan)")


SHARIA_CONTRACTS = frozenset(Contract.values) - {Contract.CONVENTIONAL}
METHOD_CHOICES = [(Method.FLAT, _("flat")), (Method.DECLINING, _("efektif / menurun")),
                  (Method.ANNUITY, _("anuitas"))]
PENALTY_PERIOD_CHOICES = [(PenaltyPeriod.DAY, _("hari")), (PenaltyPeriod.MONTH, _("bulan"))]
EARLY_PAYOFF_CHOICES = [
    (EarlyPayoffRule.PRINCIPAL_ONLY, _("bunga sisa dibebaskan")),
    (EarlyPayoffRule.CURRENT_INTEREST, _("bunga bulan berjalan")),
    (EarlyPayoffRule.FULL_INTEREST, _("seluruh bunga / margin sisa")),
]


class LoanProduct(models.Model):
    """A loan or financing product of one cooperative: its rules as data (defaults from
    loans/rules/products.yaml, then set by the cooperative)."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT,
                                    related_name="loan_products")
    code = models.SlugField(_("kode"), max_length=40)
    name = models.CharField(_("nama produk"), max_length=120)
    contract = models.CharField(_("akad"), max_length=14, choices=Contract.choices)
    method = models.CharField(_("metode bunga"), max_length=10, choices=METHOD_CHOICES)
    # Percent per year: interest, or the margin / ujrah / expected return for sharia contracts.
    annual_rate = models.DecimalField(_("bunga / margin per tahun (%)"), max_digits=7,
                                      decimal_places=4)
    # Amounts in sen.
    min_amount = models.BigIntegerField(_("plafon terendah"))
    max_amount = models.BigIntegerField(_("plafon tertinggi"))
    min_term = models.PositiveSmallIntegerField(_("jangka terpendek (bulan)"))
    max_term = models.PositiveSmallIntegerField(_("jangka terpanjang (bulan)"))
    grace_months = models.PositiveSmallIntegerField(_("masa tenggang (bulan)"), default=0)
    # Fees at disbursement: percent of the principal, plus a fixed admin fee in sen.
    provision_rate = models.DecimalField(_("provisi (%)"), max_digits=6, decimal_places=4,
                                         default=Decimal(0))
    admin_rate = models.DecimalField(_("administrasi (%)"), max_digits=6, decimal_places=4,
                                     default=Decimal(0))
    admin_fee = models.BigIntegerField(_("administrasi tetap"), default=0)
    insurance_rate = models.DecimalField(_("premi asuransi (%)"), max_digits=6,
                                         decimal_places=4, default=Decimal(0))
    # Late penalty (denda): percent of the overdue instalment per day or per month, capped at
    # a percent of that instalment (no cap when null).
    penalty_rate = models.DecimalField(_("denda (%)"), max_digits=6, decimal_places=4,
                                       default=Decimal(0))
    penalty_period = models.CharField(_("denda per"), max_length=5, default=PenaltyPeriod.DAY,
                                      choices=PENALTY_PERIOD_CHOICES)
    penalty_cap_rate = models.DecimalField(_("batas denda (%)"), max_digits=7, decimal_places=4,
                                           null=True, blank=True)
    # Comma-separated parts in the order a payment settles them.
    allocation_order = models.CharField(_("urutan alokasi"), max_length=40,
                                        default="penalty,interest,principal")
    # Instalments are rounded to a multiple of this many sen (100 = whole Rupiah).
    rounding_unit = models.PositiveIntegerField(_("pembulatan angsuran (sen)"), default=100)
    early_payoff_rule = models.CharField(_("pelunasan dipercepat"), max_length=20,
                                         default=EarlyPayoffRule.PRINCIPAL_ONLY,
                                         choices=EARLY_PAYOFF_CHOICES)
    # Above this amount (sen) an application needs two approvers (a committee).
    committee_threshold = models.BigIntegerField(_("batas komite"), default=0)
    rules_version = models.CharField(max_length=40, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["cooperative", "code"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "code"], name="uniq_loan_product_code"),
            models.CheckConstraint(
                condition=Q(min_amount__gt=0, max_amount__gte=F("min_amount"),
                            min_term__gt=0, max_term__gte=F("min_term"), admin_fee__gte=0,
                            annual_rate__gte=0, rounding_unit__gt=0),
                name="loan_product_sane",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def allocation(self) -> tuple[str, ...]:
        return tuple(part.strip() for part in self.allocation_order.split(","))


# Terms a loan keeps from its product at approval (the contract), beside the rate, method,
# term and grace months it has always kept.
PRODUCT_TERMS = ("penalty_rate", "penalty_period", "penalty_cap_rate", "allocation_order",
                 "rounding_unit", "early_payoff_rule")


class LendingLimitPolicy(models.Model):
    """A cooperative's own BMPP (batas maksimum pemberian pinjaman) per borrower, as percents of
    modal sendiri; without one the rule of loans/rules/lending_limit.yaml applies. A cooperative
    may set lower limits than the rule, never higher (checked in loans/products.py)."""

    cooperative = models.OneToOneField(Cooperative, on_delete=models.PROTECT, related_name="+")
    related_party_percent = models.DecimalField(_("BMPP pihak terkait (%)"), max_digits=6,
                                                decimal_places=4)
    other_percent = models.DecimalField(_("BMPP anggota lain (%)"), max_digits=6,
                                        decimal_places=4)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(related_party_percent__gt=0, related_party_percent__lte=100,
                            other_percent__gt=0, other_percent__lte=100),
                name="lending_limit_percent_range",
            ),
        ]


class LoanApplication(models.Model):
    """A member's request for a loan, with the 5C assessment, until it is decided."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("menunggu persetujuan")
        APPROVED = "approved", _("disetujui")
        REJECTED = "rejected", _("ditolak")
        CANCELLED = "cancelled", _("dibatalkan")

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT,
                                    related_name="loan_applications")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="loan_applications")
    product = models.ForeignKey(LoanProduct, on_delete=models.PROTECT, related_name="applications")
    # Amount asked for, in sen.
    amount = models.BigIntegerField(_("jumlah pinjaman"))
    term_months = models.PositiveSmallIntegerField(_("jangka waktu (bulan)"))
    purpose = models.CharField(_("tujuan pinjaman"), max_length=300)
    collateral = models.CharField(_("agunan"), max_length=300, blank=True)
    # Appraised value of the collateral, in sen.
    collateral_value = models.BigIntegerField(_("nilai agunan"), default=0)
    guarantor_name = models.CharField(_("nama penjamin"), max_length=150, blank=True)
    guarantor_relation = models.CharField(_("hubungan penjamin"), max_length=60, blank=True)
    # The 5C assessment (character, capacity, capital, collateral, condition).
    character = models.TextField(_("karakter (character)"), blank=True)
    capacity = models.TextField(_("kemampuan bayar (capacity)"), blank=True)
    capital = models.TextField(_("modal (capital)"), blank=True)
    collateral_note = models.TextField(_("jaminan (collateral)"), blank=True)
    condition = models.TextField(_("kondisi usaha (condition)"), blank=True)
    # Pengurus, pengawas or staff of the cooperative: the lower BMPP applies.
    related_party = models.BooleanField(_("pihak terkait"), default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    applied_on = models.DateField(_("tanggal pengajuan"))
    # The staff member who recorded it; empty when the member applied in the member's app
    # (lumbung/portal), so no staff member is its maker and any approver may decide it.
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    decided_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["cooperative", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0, term_months__gt=0,
                                               collateral_value__gte=0),
                                   name="loan_application_positive"),
        ]


class LoanApprovalVote(models.Model):
    """One person's decision on an application; a committee needs two distinct approvals."""

    application = models.ForeignKey(LoanApplication, on_delete=models.CASCADE,
                                    related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approve = models.BooleanField()
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "user"], name="uniq_loan_vote"),
        ]


class Loan(models.Model):
    """An approved loan (or sharia financing) and, once disbursed, its life until closed."""

    class Status(models.TextChoices):
        APPROVED = "approved", _("disetujui, belum cair")
        ACTIVE = "active", _("berjalan")
        PAID_OFF = "paid_off", _("lunas")
        WRITTEN_OFF = "written_off", _("hapus buku")
        CANCELLED = "cancelled", _("dibatalkan")

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="loans")
    # Per cooperative, shown as PJ-000123; given at approval.
    number = models.PositiveIntegerField(_("nomor pinjaman"))
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="loans")
    product = models.ForeignKey(LoanProduct, on_delete=models.PROTECT, related_name="loans")
    application = models.OneToOneField(LoanApplication, on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="loan")
    contract = models.CharField(_("akad"), max_length=14, choices=Contract.choices)
    method = models.CharField(max_length=10)
    # Principal (for murabahah: the cost price financed), in sen.
    principal = models.BigIntegerField(_("pokok"))
    annual_rate = models.DecimalField(max_digits=7, decimal_places=4)
    term_months = models.PositiveSmallIntegerField()
    grace_months = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.APPROVED)
    approved_on = models.DateField()
    disbursed_on = models.DateField(null=True, blank=True)
    maturity_date = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    # Fees deducted at disbursement, in sen (known from the product at approval).
    provision_fee = models.BigIntegerField(default=0)
    admin_fee = models.BigIntegerField(default=0)
    insurance_premium = models.BigIntegerField(default=0)
    # Standing instruction: instalments are auto-debited from this savings account (its pk).
    autodebit_savings_id = models.BigIntegerField(null=True, blank=True)
    # The product's terms on the day of approval, as the contract states them (PRODUCT_TERMS):
    # a manager's later change to the product applies to new loans only.
    penalty_rate = models.DecimalField(max_digits=6, decimal_places=4, default=Decimal(0))
    penalty_period = models.CharField(max_length=5, default=PenaltyPeriod.DAY,
                                      choices=PENALTY_PERIOD_CHOICES)
    penalty_cap_rate = models.DecimalField(max_digits=7, decimal_places=4, null=True,
                                           blank=True)
    allocation_order = models.CharField(max_length=40, default="penalty,interest,principal")
    # Instalments are rounded to a multiple of this many sen.
    rounding_unit = models.PositiveIntegerField(default=100)
    early_payoff_rule = models.CharField(max_length=20, default=EarlyPayoffRule.PRINCIPAL_ONLY,
                                         choices=EARLY_PAYOFF_CHOICES)
    disbursement_entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, null=True,
                                              blank=True, related_name="+")

    class Meta:
        ordering = ["cooperative", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "number"], name="uniq_loan_number"),
            models.CheckConstraint(
                condition=Q(principal__gt=0, term_months__gt=0, provision_fee__gte=0,
                            admin_fee__gte=0, insurance_premium__gte=0),
                name="loan_amounts_sane",
            ),
        ]
        indexes = [models.Index(fields=["cooperative", "status"])]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"PJ-{self.number:06d}"

    @property
    def subledger_ref(self) -> str:
        return f"loan:{self.pk}"

    @property
    def fees(self) -> int:
        return self.provision_fee + self.admin_fee + self.insurance_premium

    @property
    def allocation(self) -> tuple[str, ...]:
        return tuple(part.strip() for part in self.allocation_order.split(","))

    def take_terms(self, product: LoanProduct) -> None:
        """Copy the product's contract terms (PRODUCT_TERMS) onto this loan."""
        for field in PRODUCT_TERMS:
            setattr(self, field, getattr(product, field))


class Instalment(models.Model):
    """One row of a loan's schedule: what falls due when, and how much of it is paid.

    Amounts in sen. The scheduled parts change only by restructuring (a new schedule); the paid
    parts grow with repayments. `penalty` is the denda charged so far (by the nightly run).
    """

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="instalments")
    n = models.PositiveSmallIntegerField()
    due_date = models.DateField()
    principal = models.BigIntegerField()
    # Interest, or margin / ujrah / expected profit share for sharia contracts.
    interest = models.BigIntegerField()
    penalty = models.BigIntegerField(default=0)
    principal_paid = models.BigIntegerField(default=0)
    interest_paid = models.BigIntegerField(default=0)
    penalty_paid = models.BigIntegerField(default=0)
    # Interest the early payoff rule waived, in sen.
    interest_waived = models.BigIntegerField(default=0)
    paid_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["loan", "n"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "n"], name="uniq_instalment_n"),
            models.CheckConstraint(
                condition=Q(principal__gte=0, interest__gte=0, penalty__gte=0,
                            principal_paid__gte=0, principal_paid__lte=F("principal"),
                            interest_paid__gte=0, interest_waived__gte=0,
                            penalty_paid__gte=0, penalty_paid__lte=F("penalty")),
                name="instalment_paid_within_due",
            ),
        ]
        indexes = [models.Index(fields=["cooperative", "due_date"])]

    @property
    def total(self) -> int:
        return self.principal + self.interest

    @property
    def principal_due(self) -> int:
        return self.principal - self.principal_paid

    @property
    def interest_due(self) -> int:
        return self.interest - self.interest_paid - self.interest_waived

    @property
    def penalty_due(self) -> int:
        return self.penalty - self.penalty_paid

    @property
    def unpaid(self) -> int:
        return self.principal_due + self.interest_due + self.penalty_due


class LoanRepayment(models.Model):
    """One repayment and how it was split; its journal entry is the money's record."""

    class Channel(models.TextChoices):
        COUNTER = "counter", _("tunai di kantor")
        SAVINGS = "savings", _("potong simpanan")
        AUTODEBIT = "autodebit", _("autodebet simpanan")
        CREDIT = "credit", _("titipan kelebihan angsuran")
        EXIT = "exit", _("penyelesaian keluar anggota")

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="repayments")
    date = models.DateField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # All in sen: the money received and its parts (amount = sum of the parts).
    amount = models.BigIntegerField()
    principal = models.BigIntegerField(default=0)
    interest = models.BigIntegerField(default=0)
    penalty = models.BigIntegerField(default=0)
    # Kept as credit (titipan) for the next instalments; negative when credit was used.
    credit = models.BigIntegerField(default=0)
    early_payoff = models.BooleanField(default=False)
    # None only for a settlement by a member's exit, whose entry is the exit's.
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    idempotency_key = models.CharField(max_length=120)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["loan", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "idempotency_key"],
                                    name="uniq_loan_repayment_key"),
            models.CheckConstraint(
                condition=Q(amount=F("principal") + F("interest") + F("penalty") + F("credit")),
                name="loan_repayment_parts_sum",
            ),
        ]


# Loan quality and workout (collectibility, provisioning, restructuring, write-off, profit
# reports) live in their own module, kept by the financing part of the app.
from lumbung.loans.models_quality import (  # noqa: E402,F401
    CollectibilityPolicy,
    LoanQuality,
    LoanRecovery,
    LoanRestructure,
    LoanWriteOff,
    PortfolioSnapshot,
    ProfitReport,
    ProfitSharingTerms,
)
