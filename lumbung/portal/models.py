"""The member's app: PIN credentials, device-bound sessions, one-time codes, notifications.

Member sessions are our own (a random token in the `lumbung_anggota` cookie or an
`Authorization: Bearer` header, stored hashed), never Django's staff session: a member is not a
`User`, and a staff login gives no way into a member's accounts nor the other way round.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lumbung.members.models import Member
from lumbung.tenancy.models import Cooperative


class MemberCredential(models.Model):
    """A member's PIN for the app, set or reset at the cooperative's counter."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    member = models.OneToOneField(Member, on_delete=models.PROTECT, related_name="credential")
    # Django password hash of the 6-digit PIN; the PIN itself is never stored.
    pin_hash = models.CharField(max_length=200)
    # The member's phone in one shape (08…), so a login by phone finds one member.
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    # Consecutive wrong PINs; at the hard limit the PIN is blocked until the counter resets it.
    failed_count = models.PositiveSmallIntegerField(default=0)
    blocked = models.BooleanField(default=False)
    # The member asked for a one-time code on every login (sent through the message gateway).
    otp_enabled = models.BooleanField(_("kode sekali pakai saat masuk"), default=False)
    # Channels besides the in-app feed (which cannot be switched off).
    notify_sms = models.BooleanField(_("SMS"), default=False)
    notify_whatsapp = models.BooleanField(_("WhatsApp"), default=False)
    notify_email = models.BooleanField(_("e-mail"), default=False)
    pin_set_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "phone"], condition=~Q(phone=""),
                name="uniq_member_credential_phone",
            )
        ]


class MemberSession(models.Model):
    """One logged-in device. Valid only with the device cookie it was created for."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    # SHA-256 of the session token and of the device id; the raw values live only on the device.
    token_hash = models.CharField(max_length=64, unique=True)
    device_hash = models.CharField(max_length=64)
    user_agent = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["cooperative", "member"])]


class LoginChallenge(models.Model):
    """A correct PIN waiting for its one-time code."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    device_hash = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=200)
    attempts = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField()
    used = models.BooleanField(default=False)


class Notification(models.Model):
    """One message to a member on one outside channel (SMS, WhatsApp, e-mail), retried until sent.

    The in-app feed needs no row: it reads the member's ledger lines directly.
    """

    class Channel(models.TextChoices):
        SMS = "sms", "SMS"
        WHATSAPP = "whatsapp", "WhatsApp"
        EMAIL = "email", "e-mail"

    class Status(models.TextChoices):
        PENDING = "pending", _("menunggu")
        SENT = "sent", _("terkirim")
        FAILED = "failed", _("gagal")

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # The journal line this message tells about (one message per line and channel).
    line_id = models.BigIntegerField()
    address = models.CharField(max_length=200)
    text = models.CharField(max_length=500)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "member", "channel", "line_id"],
                name="uniq_notification_line_channel",
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]


class NotificationCursor(models.Model):
    """How far the notifier has read a cooperative's member lines (JournalLine id)."""

    cooperative = models.OneToOneField(
        Cooperative, primary_key=True, on_delete=models.PROTECT, related_name="+"
    )
    last_line_id = models.BigIntegerField(default=0)


class BillPayment(models.Model):
    """One bill payment (PPOB) from a member's voluntary savings, from quote to settlement.

    quoted (the aggregator's inquiry; no money moved) -> processing (savings debited, payment
    sent) -> success, or reversed (the debit reversed: the biller refused or never got it).
    A payment whose outcome is unknown stays `processing` until the status check settles it.
    """

    class Status(models.TextChoices):
        QUOTED = "quoted", _("menunggu konfirmasi")
        PROCESSING = "processing", _("diproses")
        SUCCESS = "success", _("berhasil")
        REVERSED = "reversed", _("gagal, dana dikembalikan")

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    # The savings account debited (savings.SavingsAccount pk).
    savings_account_id = models.BigIntegerField()
    product = models.CharField(max_length=30)
    customer_no = models.CharField(max_length=30)
    customer_name = models.CharField(max_length=100, blank=True)
    period = models.CharField(max_length=20, blank=True)
    # Sen: what the biller gets, and the cooperative's fee on top.
    amount = models.BigIntegerField()
    fee = models.BigIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUOTED)
    # The member's request token: a retried submission finds this payment again.
    client_token = models.CharField(max_length=64)
    aggregator_ref = models.CharField(max_length=40, blank=True)
    token = models.CharField(max_length=60, blank=True)
    message = models.CharField(max_length=200, blank=True)
    entry_number = models.BigIntegerField(null=True, blank=True)
    reversal_number = models.BigIntegerField(null=True, blank=True)
    business_date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "member", "client_token"],
                                    name="uniq_bill_payment_token"),
            models.CheckConstraint(condition=Q(amount__gt=0, fee__gte=0),
                                   name="bill_payment_amounts"),
        ]
        indexes = [models.Index(fields=["cooperative", "status"]),
                   models.Index(fields=["cooperative", "business_date"])]

    @property
    def reference(self) -> str:
        """Our key for this payment at the aggregator (idempotent there too)."""
        return f"LBG{self.cooperative_id}-{self.pk}"

    @property
    def total(self) -> int:
        return self.amount + self.fee


class SettlementCheck(models.Model):
    """A day's reconciliation against the aggregator's settlement file, differences kept."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    matched = models.PositiveIntegerField(default=0)
    # [{"reference", "kind": "missing_at_aggregator"|"missing_here"|"amount", "ours", "theirs"}]
    differences = models.JSONField(default=list)
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cooperative", "-date", "-checked_at"]


class VirtualAccountTopUp(models.Model):
    """A bank's virtual-account payment credited to a member's voluntary savings.

    `external_id` is the bank's transaction id: a replayed callback finds this row and does
    nothing again."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    external_id = models.CharField(max_length=64)
    va_number = models.CharField(max_length=30)
    # Sen.
    amount = models.BigIntegerField()
    entry_number = models.BigIntegerField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "external_id"],
                                    name="uniq_va_topup_external_id"),
        ]


class LoanRequest(models.Model):
    """A loan application the member made in the app (loans.LoanApplication holds the
    application itself): the member's request token, so a retried submission finds it again."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    client_token = models.CharField(max_length=64)
    # Empty only while the application is being submitted (or when the loans app refused it,
    # in which case the row is removed again).
    application = models.OneToOneField("loans.LoanApplication", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="app_request")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "member", "client_token"],
                                    name="uniq_loan_request_token"),
        ]


class _WithoutContent(models.Manager):
    """Lists of documents never load the files themselves (see loan_document_content)."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().defer("content")


class LoanDocument(models.Model):
    """A document the member attached to a loan application (KTP, proof of income, ...).

    Kept in the database beside the application (one backup holds both); never changed.
    """

    class Kind(models.TextChoices):
        ID_CARD = "ktp", _("KTP")
        FAMILY_CARD = "kk", _("Kartu Keluarga")
        INCOME = "penghasilan", _("Bukti penghasilan")
        BUSINESS = "usaha", _("Foto usaha")
        COLLATERAL = "agunan", _("Bukti agunan")
        OTHER = "lain", _("Dokumen lain")

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey("loans.LoanApplication", on_delete=models.PROTECT,
                                    related_name="member_documents")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    filename = models.CharField(max_length=100)
    # Known from the file's first bytes, not from what the phone said it was.
    content_type = models.CharField(max_length=40)
    # Bytes.
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = _WithoutContent()

    class Meta:
        base_manager_name = "objects"
        indexes = [models.Index(fields=["cooperative", "application"])]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="loan_document_not_empty"),
        ]


class WithdrawalRequest(models.Model):
    """Cash a member asked for in the app, to be paid at the counter by a teller (through the
    teller app's counter_withdraw, from the teller's drawer).

    Nothing is held meanwhile: the balance is checked again when the teller pays. requested ->
    paying (a teller took it; only that teller may finish it) -> paid, or approval (above the
    teller's limit: a manager decides, the teller pays again to finish); requested -> cancelled
    by the member. Past `valid_until` (a business date) an unpaid request is expired.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("menunggu di loket")
        PAYING = "paying", _("sedang dibayar")
        APPROVAL = "approval", _("menunggu persetujuan manajer")
        PAID = "paid", _("sudah dibayar")
        CANCELLED = "cancelled", _("dibatalkan")

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    # The voluntary savings account to pay from (savings.SavingsAccount pk).
    savings_account_id = models.BigIntegerField()
    # Sen.
    amount = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_on = models.DateField()
    valid_until = models.DateField()
    client_token = models.CharField(max_length=64)
    # The teller who took it, and what the counter recorded (teller.CounterTransaction pk).
    teller = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    counter_transaction_id = models.BigIntegerField(null=True, blank=True)
    entry_number = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "member", "client_token"],
                                    name="uniq_withdrawal_request_token"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="withdrawal_request_amount"),
        ]
        indexes = [models.Index(fields=["cooperative", "status", "valid_until"])]

    @property
    def reference(self) -> str:
        return f"TR-{self.pk:06d}"

    def expired_on(self, day: dt.date) -> bool:
        """Still waiting, but past its last day."""
        return self.status == self.Status.REQUESTED and self.valid_until < day
