"""The vault, the tellers' cash drawers, their daily sessions and what happened at the counter.

Cash itself lives in the books: the vault is the `cash` account, every drawer's cash is the
sub-ledger `drawer:<CashDrawer.pk>` of the `cash_drawers` control account (1109), so
`lumbung verify` reconciles each drawer. Nothing here keeps a second copy of a balance; the
amounts on a session are what was decided or counted at a moment (float, count, difference).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lumbung.ledger.models import ApprovalRequest, JournalEntry
from lumbung.members.models import Member
from lumbung.tenancy.models import Cooperative


class CashDrawer(models.Model):
    """A teller's cash drawer (laci kas). Its cash is the sub-ledger `drawer:<pk>`."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="drawers")
    name = models.CharField(_("nama laci"), max_length=60)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["cooperative", "name"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "name"], name="uniq_drawer_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def subledger_ref(self) -> str:
        return f"drawer:{self.pk}"


class DrawerSession(models.Model):
    """One teller's day at one drawer: opened with a float, closed against a cash count.

    At most one open session per drawer and per teller (database constraints).
    """

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("drawer session", "buka")
        CLOSED = "closed", pgettext_lazy("drawer session", "tutup")

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    drawer = models.ForeignKey(CashDrawer, on_delete=models.PROTECT, related_name="sessions")
    teller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="drawer_sessions")
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    business_date = models.DateField(_("tanggal usaha"))
    opened_at = models.DateTimeField(auto_now_add=True)
    # Float taken from the vault at opening, in sen.
    float_amount = models.BigIntegerField(_("modal awal"))
    closed_at = models.DateTimeField(null=True, blank=True)
    # At close, in sen: the drawer's book balance, the cash counted, counted - expected
    # (negative: cash short).
    expected_amount = models.BigIntegerField(null=True, blank=True)
    counted_amount = models.BigIntegerField(null=True, blank=True)
    difference = models.BigIntegerField(null=True, blank=True)
    # Pieces counted per denomination key of rules/denominations.yaml.
    count = models.JSONField(default=dict, blank=True)
    close_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["cooperative", "-opened_at"]
        constraints = [
            models.UniqueConstraint(fields=["drawer"], condition=Q(status="open"),
                                    name="uniq_open_session_per_drawer"),
            models.UniqueConstraint(fields=["cooperative", "teller"], condition=Q(status="open"),
                                    name="uniq_open_session_per_teller"),
            models.CheckConstraint(condition=Q(float_amount__gte=0), name="session_float_gte_0"),
        ]
        indexes = [models.Index(fields=["cooperative", "business_date"])]

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class CounterTransaction(models.Model):
    """One thing done at the counter or between drawer, vault and bank; the receipt's source.

    The money moved is in `entry` (or, for a withdrawal above the teller's limit, in the entry
    its approval posts: `approval.entry`).
    """

    class Kind(models.TextChoices):
        OPENING = "opening", _("modal awal dari brankas")
        VAULT_TO_DRAWER = "vault_in", _("tambahan kas dari brankas")
        DRAWER_TO_VAULT = "vault_out", _("setor kas ke brankas")
        BANK_TO_DRAWER = "bank_in", _("ambil kas dari bank")
        DRAWER_TO_BANK = "bank_out", _("setor kas ke bank")
        CLOSING = "closing", _("tutup laci: kas kembali ke brankas")
        DIFFERENCE = "difference", _("selisih kas")
        DEPOSIT = "deposit", _("setoran simpanan")
        WITHDRAWAL = "withdrawal", _("penarikan simpanan")
        ADMISSION = "admission", _("simpanan pokok anggota baru")
        LOAN_REPAYMENT = "loan_repayment", _("angsuran pinjaman")

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(DrawerSession, on_delete=models.PROTECT,
                                related_name="transactions")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Amount in sen, as asked; never updated.
    amount = models.BigIntegerField()
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    # The member's account the money went to or came from ("savings:12", "loan:7").
    subledger_ref = models.CharField(max_length=60, blank=True)
    account_label = models.CharField(max_length=120, blank=True)
    entry = models.ForeignKey(JournalEntry, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    approval = models.ForeignKey(ApprovalRequest, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="counter_amount_gt_0"),
            models.CheckConstraint(condition=Q(entry__isnull=False) | Q(approval__isnull=False),
                                   name="counter_entry_or_approval"),
        ]

    @property
    def posted_entry(self) -> JournalEntry | None:
        """The entry that moved the money (None while the approval is pending or refused)."""
        if self.entry_id is not None:
            return self.entry
        return self.approval.entry if self.approval is not None else None
