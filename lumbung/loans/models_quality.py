"""Loan quality and workout: collectibility policy, nightly ageing, the portfolio's daily figures,
restructuring, write-off (hapus buku) with recoveries, and sharia profit-sharing reports.

Imported at the end of loans/models.py, so Django sees these as models of the loans app.
Amounts are integer sen. Balances stay in the ledger; these rows hold what the ledger cannot
say (days past due, class, the off-balance register of written-off loans, reported profits).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lumbung.ledger.models import ApprovalRequest, JournalEntry
from lumbung.loans.models import Loan
from lumbung.tenancy.models import Cooperative


class CollectibilityPolicy(models.Model):
    """A cooperative's own collectibility policy; without one the shipped default applies
    (loans/rules/collectibility.yaml). `data` has the YAML's shape (checked by
    collectibility.policy_from_data before it is saved)."""

    cooperative = models.OneToOneField(Cooperative, on_delete=models.PROTECT, related_name="+")
    data = models.JSONField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)


class LoanQuality(models.Model):
    """The last nightly ageing of one active loan. Rewritten every night (not history: the
    portfolio's history is PortfolioSnapshot)."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    loan = models.OneToOneField(Loan, on_delete=models.CASCADE, related_name="quality")
    as_of = models.DateField()
    days_past_due = models.PositiveIntegerField(default=0)
    loan_class = models.CharField(max_length=30)
    # Principal outstanding the provision was computed on, and the provision (sen), as of `as_of`.
    outstanding = models.BigIntegerField(default=0)
    provision = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["cooperative", "loan_class"])]


class PortfolioSnapshot(models.Model):
    """The portfolio's quality at the end of one business day (written by the provisioning step),
    so reports and the Dinas can read any past day cheaply. Amounts in sen."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    loans = models.PositiveIntegerField(default=0)
    outstanding = models.BigIntegerField(default=0)
    # class code -> {"loans": n, "outstanding": sen, "provision": sen}
    by_class = models.JSONField(default=dict)
    npl = models.BigIntegerField(default=0)
    par30 = models.BigIntegerField(default=0)
    par60 = models.BigIntegerField(default=0)
    par90 = models.BigIntegerField(default=0)
    provision_required = models.BigIntegerField(default=0)
    # Outstanding of loans to related parties (pengurus, pengawas, staff), for the Dinas.
    insider_loans = models.BigIntegerField(default=0)
    policy_version = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["cooperative", "-date"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "date"], name="uniq_portfolio_day"),
        ]


class LoanRestructure(models.Model):
    """A restructuring carried out: the outstanding principal on a new schedule. Requested by one
    person (an ApprovalRequest of kind loans.restructure holds the terms while it waits) and
    done when another approves. Amounts in sen; never updated."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="restructures")
    reason = models.CharField(_("alasan"), max_length=300)
    term_months = models.PositiveSmallIntegerField(_("jangka waktu baru (bulan)"))
    annual_rate = models.DecimalField(_("bunga / margin baru per tahun (%)"), max_digits=7,
                                      decimal_places=4)
    first_due_date = models.DateField(_("jatuh tempo angsuran pertama"))
    waive_penalty = models.BooleanField(_("hapus denda tertunggak"), default=True)
    # Principal rescheduled, unpaid interest spread over the new instalments, penalty waived.
    principal = models.BigIntegerField()
    interest_carried = models.BigIntegerField(default=0)
    penalty_waived = models.BigIntegerField(default=0)
    previous_class = models.CharField(max_length=30, blank=True)
    request = models.OneToOneField(ApprovalRequest, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    done_on = models.DateField()

    class Meta:
        ordering = ["loan", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(term_months__gt=0, annual_rate__gte=0),
                                   name="loan_restructure_sane"),
        ]


class LoanWriteOff(models.Model):
    """A loan taken off the books (hapus buku) and kept in the off-balance register, where its
    recoveries are followed. Amounts in sen; never updated after creation."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    loan = models.OneToOneField(Loan, on_delete=models.PROTECT, related_name="write_off")
    date = models.DateField()
    reason = models.CharField(max_length=300)
    # Principal (net receivable) taken off the books, and how it was covered.
    principal = models.BigIntegerField()
    allowance_used = models.BigIntegerField()
    expense = models.BigIntegerField()
    # Murabahah: the margin still deferred, cleared with the receivable.
    deferred_margin = models.BigIntegerField(default=0)
    # Still owed by the member but never on the books (cash basis): followed off balance.
    interest_unpaid = models.BigIntegerField(default=0)
    penalty_unpaid = models.BigIntegerField(default=0)
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, related_name="+")

    class Meta:
        ordering = ["cooperative", "-date", "-id"]

    @property
    def claim(self) -> int:
        """What the member still owes in total (off balance), before recoveries."""
        return self.principal + self.interest_unpaid + self.penalty_unpaid


class LoanRecovery(models.Model):
    """Money collected on a written-off loan: income (income_loan_recovery). Amount in sen."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    write_off = models.ForeignKey(LoanWriteOff, on_delete=models.PROTECT,
                                  related_name="recoveries")
    date = models.DateField()
    amount = models.BigIntegerField()
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(max_length=120)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["write_off", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "idempotency_key"],
                                    name="uniq_loan_recovery_key"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="loan_recovery_positive"),
        ]


class ProfitSharingTerms(models.Model):
    """The akad terms of a mudharabah or musyarakah financing: the cooperative's nisbah (share
    of realised profit, 0..1) and the member's own capital in the venture (musyarakah; 0 for
    mudharabah, where the cooperative provides all capital). Amount in sen."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    loan = models.OneToOneField(Loan, on_delete=models.PROTECT, related_name="profit_terms")
    nisbah = models.DecimalField(_("nisbah koperasi"), max_digits=5, decimal_places=4)
    member_capital = models.BigIntegerField(_("modal anggota"), default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(nisbah__gte=0, nisbah__lte=1, member_capital__gte=0),
                                   name="profit_terms_sane"),
        ]


class ProfitReport(models.Model):
    """What a mudharabah / musyarakah member reports as realised profit (or loss) for one period,
    and what it meant: the cooperative's profit share becomes the bagi hasil due with the
    period's instalment; its share of a loss reduces the financing (posted). Amounts in sen."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="profit_reports")
    period_end = models.DateField(_("akhir periode"))
    revenue = models.BigIntegerField(_("pendapatan usaha"), default=0)
    # Negative for a loss.
    realised_profit = models.BigIntegerField(_("laba (rugi) usaha"))
    nisbah = models.DecimalField(max_digits=5, decimal_places=4)
    cooperative_share = models.BigIntegerField(default=0)
    loss_borne = models.BigIntegerField(default=0)
    member_negligent = models.BooleanField(_("kerugian karena kelalaian anggota"), default=False)
    instalment_n = models.PositiveSmallIntegerField(null=True)
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, null=True,
                                 related_name="+")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["loan", "-period_end"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "period_end"], name="uniq_profit_report"),
        ]
