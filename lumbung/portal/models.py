"""The member's app: PIN credentials, device-bound sessions, one-time codes, notifications.

Member sessions are our own (a random token in the `lumbung_anggota` cookie or an
`Authorization: Bearer` header, stored hashed), never Django's staff session: a member is not a
`User`, and a staff login gives no way into a member's accounts nor the other way round.
"""

from __future__ import annotations

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
