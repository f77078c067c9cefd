"""Chart of accounts, journal, balances, periods, hash chain and checkpoints.

Rules the database enforces (triggers in lumbung/ledger/sql/, installed by migrations 0003, 0004):
- journal entries, journal lines and checkpoints are append-only: never updated, never deleted;
  a correction is a reversing entry;
- every entry balances: its lines' debits and credits each sum to `total`, and it has exactly
  `line_count` lines (checked per line on SQLite, at commit by a deferred trigger on PostgreSQL);
- a line's account and entry belong to the line's cooperative;
- nothing is posted into a closed period, nor before it (a closed month settles all earlier
  days); a closed period re-opens only with its reopen_count rising by one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lumbung.tenancy.models import Cooperative

GENESIS_HASH = "0" * 64


class AccountType(models.TextChoices):
    ASSET = "asset", _("Aset")
    LIABILITY = "liability", _("Liabilitas")
    EQUITY = "equity", _("Ekuitas")
    INCOME = "income", _("Pendapatan")
    EXPENSE = "expense", _("Beban")


class NormalBalance(models.TextChoices):
    DEBIT = "D", _("Debit")
    CREDIT = "C", _("Kredit")


class Account(models.Model):
    """One account in a cooperative's chart (bagan akun). Never deleted once it has postings."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="accounts")
    code = models.CharField(_("kode"), max_length=20)
    name = models.CharField(_("nama akun"), max_length=200)
    type = models.CharField(_("jenis"), max_length=10, choices=AccountType.choices)
    # Contra accounts (CKPN, akumulasi penyusutan) have the opposite side of their type.
    normal_balance = models.CharField(
        _("saldo normal"), max_length=1, choices=NormalBalance.choices
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Headings group accounts in statements; only detail accounts take postings.
    is_heading = models.BooleanField(_("akun kelompok"), default=False)
    # A control account's lines each name a sub-ledger (a savings account, a loan); the
    # sub-ledgers must always sum to it.
    is_control = models.BooleanField(_("akun kontrol buku pembantu"), default=False)
    # Stable name services use to find an account whatever its code ("cash", "suspense").
    purpose = models.CharField(max_length=60, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["cooperative", "code"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "code"], name="uniq_account_code"),
            models.UniqueConstraint(
                fields=["cooperative", "purpose"],
                condition=~Q(purpose=""),
                name="uniq_account_purpose",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AccountBalance(models.Model):
    """Materialized balance of one account, updated in the posting transaction.

    Reads are O(1). Amounts in sen, the running sums of the account's debit and credit lines.
    """

    account = models.OneToOneField(
        Account, primary_key=True, on_delete=models.PROTECT, related_name="balance"
    )
    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    debit = models.BigIntegerField(default=0)
    credit = models.BigIntegerField(default=0)
    # Business date of the latest line; lets the as-of trial balance skip the line scan.
    last_date = models.DateField(null=True)


class SubledgerBalance(models.Model):
    """Materialized balance of one sub-ledger (e.g. "savings:12", "loan:7") in a control account."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="subledgers")
    ref = models.CharField(max_length=60)
    debit = models.BigIntegerField(default=0)
    credit = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "account", "ref"], name="uniq_subledger_balance"
            )
        ]


class LedgerHead(models.Model):
    """The head of a cooperative's chain: the one row every posting locks.

    Gapless numbers and the hash chain both need the previous entry, so postings within a
    cooperative are serialized here; different cooperatives never wait for each other.
    """

    cooperative = models.OneToOneField(
        Cooperative, primary_key=True, on_delete=models.PROTECT, related_name="ledger_head"
    )
    last_number = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)


class JournalEntry(models.Model):
    """A posted journal entry. Append-only; reverse it to correct it."""

    # Foreign keys without their own index where a composite index or unique constraint already
    # leads with the column: fewer indexes to maintain on the hottest insert in the system.
    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    # Gapless per cooperative, starting at 1.
    number = models.BigIntegerField()
    # Business date the entry belongs to (may be earlier than the posting day when back-dated).
    date = models.DateField()
    description = models.CharField(max_length=300)
    # Which part of the system posted it: manual, teller, eod, reversal, demo, …
    source = models.CharField(max_length=30, default="manual")
    # NULL (not "") when absent: the per-cooperative unique constraint skips NULLs.
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    maker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    posted_at = models.DateTimeField(auto_now_add=True)
    # Sum of the debit lines = sum of the credit lines, in sen.
    total = models.BigIntegerField()
    line_count = models.PositiveIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["cooperative", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "number"], name="uniq_entry_number"),
            models.UniqueConstraint(
                fields=["cooperative", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="uniq_entry_idempotency_key",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="entry_number_gte_1"),
            models.CheckConstraint(condition=Q(total__gt=0), name="entry_total_gt_0"),
            models.CheckConstraint(condition=Q(line_count__gte=2), name="entry_two_lines"),
        ]
        indexes = [models.Index(fields=["cooperative", "date"])]

    def __str__(self) -> str:
        return f"#{self.number} {self.description}"


class JournalLine(models.Model):
    """One debit or credit of an entry. Append-only."""

    # No single-column indexes on these keys: the (entry, line_no) constraint and the
    # (cooperative, account, date) index already lead with them.
    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    entry = models.ForeignKey(
        JournalEntry, on_delete=models.PROTECT, related_name="lines", db_index=False
    )
    line_no = models.PositiveSmallIntegerField()
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="lines", db_index=False
    )
    # Amounts in sen; exactly one of them is above zero.
    debit = models.BigIntegerField(default=0)
    credit = models.BigIntegerField(default=0)
    # Copy of entry.date, so as-of balances need no join.
    date = models.DateField()
    member_id = models.BigIntegerField(null=True, blank=True)
    subledger_ref = models.CharField(max_length=60, blank=True)
    memo = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["entry", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "line_no"], name="uniq_line_no"),
            models.CheckConstraint(
                condition=(Q(debit__gt=0) & Q(credit=0)) | (Q(credit__gt=0) & Q(debit=0)),
                name="line_one_side_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["cooperative", "account", "date"]),
            models.Index(fields=["cooperative", "date"]),
            # A member's lines; with the account and sub-ledger it also answers "which
            # sub-ledgers does this member have" from the index alone (the member's app).
            models.Index(fields=["cooperative", "member_id", "account", "subledger_ref"],
                         name="ledger_line_member_subledger"),
        ]


class AccountingPeriod(models.Model):
    """A month of the books. Once closed it accepts no posting; only the board re-opens it."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="periods")
    start_date = models.DateField()
    end_date = models.DateField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # How often the board re-opened it (each audited); the database lets a closed period open
    # again only together with this count rising by one.
    reopen_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["cooperative", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "start_date"], name="uniq_period"),
        ]

    @property
    def label(self) -> str:
        return self.start_date.strftime("%Y-%m")

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Checkpoint(models.Model):
    """End-of-day seal of a cooperative's chain, handed to its Dinas. Append-only.

    Covers the entries numbered after the previous checkpoint up to `last_number`.
    """

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="checkpoints"
    )
    date = models.DateField()
    first_number = models.BigIntegerField()
    last_number = models.BigIntegerField()
    entry_count = models.PositiveIntegerField()
    chain_head = models.CharField(max_length=64)
    merkle_root = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative", "date"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "date"], name="uniq_checkpoint_date"),
        ]


class ApprovalRequest(models.Model):
    """Maker-checker: a money movement above the maker's limit waits here for a second person."""

    class Status(models.TextChoices):
        PENDING = "pending", _("menunggu persetujuan")
        APPROVED = "approved", _("disetujui")
        REJECTED = "rejected", _("ditolak")

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="approval_requests"
    )
    # What to do once approved, e.g. "ledger.manual_entry"; handlers are registered by apps.
    kind = models.CharField(max_length=60)
    payload = models.JSONField()
    # Amount in sen that the limits are compared with.
    amount = models.BigIntegerField()
    description = models.CharField(max_length=300)
    maker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    entry = models.ForeignKey(
        JournalEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A retry of the same submission (double click, network retry) finds the first request.
    # NULL rather than "" when absent, so the unique constraint ignores requests without one.
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative", "-created_at"]
        indexes = [models.Index(fields=["cooperative", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="approval_amount_gt_0"),
            models.UniqueConstraint(
                fields=["cooperative", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="uniq_approval_idempotency_key",
            ),
        ]
