"""Every write of the member's app: PINs, logins, sessions, preferences.

Member actions have no staff `acting_user`: audit rows carry the member's id in their data.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lumbung.audit.services import audit_record
from lumbung.core.errors import LumbungError
from lumbung.members.models import Member
from lumbung.portal.calculations import normalize_phone, pin_acceptable, sha256_hex
from lumbung.portal.gateways import message_gateway
from lumbung.portal.models import LoginChallenge, MemberCredential, MemberSession
from lumbung.tenancy import throttle
from lumbung.tenancy.models import Cooperative

OTP_SECONDS = 5 * 60
OTP_MAX_ATTEMPTS = 3
# Hash compared against when nobody matches, so an unknown number costs as long as a wrong PIN.
_DUMMY_PIN_HASH = make_password("000000-unused")


def _member_of(cooperative: Cooperative, member: Member) -> None:
    if member.cooperative_id != cooperative.pk:
        raise LumbungError("NOT_FOUND")
    if member.status != Member.Status.MEMBER:
        raise LumbungError("PORTAL_NOT_A_MEMBER")


def member_pin_set(
    *, cooperative: Cooperative, member: Member, pin: str, acting_user: Any
) -> MemberCredential:
    """Set or reset a member's PIN at the counter; unblocks it and ends all their sessions.

    Raises NOT_FOUND (another cooperative's member), PORTAL_NOT_A_MEMBER, PORTAL_PIN_FORMAT,
    PORTAL_PHONE_TAKEN.
    """
    _member_of(cooperative, member)
    if not pin_acceptable(pin):
        raise LumbungError("PORTAL_PIN_FORMAT")
    phone = normalize_phone(member.phone)
    if phone and MemberCredential.objects.filter(
        cooperative=cooperative, phone=phone
    ).exclude(member=member).exists():
        raise LumbungError("PORTAL_PHONE_TAKEN", phone=phone)
    now = timezone.now()
    with transaction.atomic(durable=True):
        credential, created = MemberCredential.objects.update_or_create(
            member=member,
            defaults={"cooperative": cooperative, "pin_hash": make_password(pin), "phone": phone,
                      "failed_count": 0, "blocked": False, "pin_set_at": now},
        )
        MemberSession.objects.filter(member=member, revoked_at=None).update(revoked_at=now)
        audit_record(action="portal.pin.set" if created else "portal.pin.reset",
                     acting_user=acting_user, cooperative=cooperative, obj=credential,
                     data={"member_id": member.pk})
    return credential


@dataclass(frozen=True)
class LoginOutcome:
    """A correct PIN gives a session token, or (one-time code wanted) a challenge token."""

    member: Member
    session_token: str = ""
    challenge_token: str = ""


def _find_credential(cooperative: Cooperative, identifier: str) -> MemberCredential | None:
    identifier = identifier.strip()
    credentials = MemberCredential.objects.select_related("member").filter(cooperative=cooperative)
    phone = normalize_phone(identifier)
    if phone:
        return credentials.filter(phone=phone).first()
    if identifier.isdigit() and len(identifier) <= 9:
        return credentials.filter(member__number=int(identifier)).first()
    return None


def member_login(
    *, cooperative: Cooperative, identifier: str, pin: str, device_id: str,
    user_agent: str = "", address: str | None = None,
) -> LoginOutcome:
    """Check member number (or phone) and PIN; open a session for this device or send a code.

    Raises PORTAL_LOGIN_THROTTLED (too many failures for the number or the address in the
    window), PORTAL_PIN_BLOCKED (too many in a row: reset at the counter), PORTAL_LOGIN_FAILED.
    """
    key = f"anggota:{cooperative.code}:{identifier.strip()[:40]}"
    if throttle.login_locked(key, address):
        raise LumbungError("PORTAL_LOGIN_THROTTLED", minutes=throttle.lock_minutes())
    credential = _find_credential(cooperative, identifier)
    if credential is None or credential.member.status != Member.Status.MEMBER:
        check_password(pin, _DUMMY_PIN_HASH)
        throttle.login_failed(key, address)
        raise LumbungError("PORTAL_LOGIN_FAILED")
    if credential.blocked:
        raise LumbungError("PORTAL_PIN_BLOCKED")
    if not check_password(pin, credential.pin_hash):
        with transaction.atomic(durable=True):
            throttle.login_failed(key, address)
            MemberCredential.objects.filter(pk=credential.pk).update(
                failed_count=F("failed_count") + 1)
            credential.refresh_from_db(fields=["failed_count"])
            if credential.failed_count >= settings.LUMBUNG_MEMBER_PIN_MAX_FAILURES:
                MemberCredential.objects.filter(pk=credential.pk).update(blocked=True)
                audit_record(action="portal.pin.blocked", acting_user=None,
                             cooperative=cooperative, obj=credential,
                             data={"member_id": credential.member_id})
        raise LumbungError("PORTAL_LOGIN_FAILED")
    throttle.login_succeeded(key)
    if credential.failed_count:
        MemberCredential.objects.filter(pk=credential.pk).update(failed_count=0)
    if credential.otp_enabled and credential.phone:
        return LoginOutcome(member=credential.member,
                            challenge_token=_challenge_send(credential, device_id))
    return LoginOutcome(member=credential.member,
                        session_token=_session_open(credential.member, device_id, user_agent))


def _challenge_send(credential: MemberCredential, device_id: str) -> str:
    token = secrets.token_urlsafe(32)
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic(durable=True):
        LoginChallenge.objects.create(
            cooperative_id=credential.cooperative_id, member_id=credential.member_id,
            token_hash=sha256_hex(token), device_hash=sha256_hex(device_id),
            code_hash=make_password(code),
            expires_at=timezone.now() + dt.timedelta(seconds=OTP_SECONDS),
        )
        text = f"Kode masuk Lumbung: {code}. Berlaku 5 menit. Jangan berikan kepada siapa pun."
        phone = credential.phone
        transaction.on_commit(
            lambda: message_gateway().send(channel="sms", address=phone, text=text))
    return token


def login_challenge_answer(
    *, cooperative: Cooperative, challenge_token: str, code: str, device_id: str,
    user_agent: str = "",
) -> LoginOutcome:
    """The one-time code for a challenge; opens the session. Raises PORTAL_CODE_WRONG."""
    challenge = LoginChallenge.objects.filter(
        cooperative=cooperative, token_hash=sha256_hex(challenge_token),
        device_hash=sha256_hex(device_id), used=False, expires_at__gt=timezone.now(),
        attempts__lt=OTP_MAX_ATTEMPTS,
    ).select_related("member").first()
    if challenge is None:
        raise LumbungError("PORTAL_CODE_WRONG")
    if not check_password(code.strip(), challenge.code_hash):
        LoginChallenge.objects.filter(pk=challenge.pk).update(attempts=F("attempts") + 1)
        raise LumbungError("PORTAL_CODE_WRONG")
    with transaction.atomic(durable=True):
        if not LoginChallenge.objects.filter(pk=challenge.pk, used=False).update(used=True):
            raise LumbungError("PORTAL_CODE_WRONG")
        token = _session_open(challenge.member, device_id, user_agent)
    return LoginOutcome(member=challenge.member, session_token=token)


def _session_open(member: Member, device_id: str, user_agent: str) -> str:
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    MemberSession.objects.create(
        cooperative_id=member.cooperative_id, member=member, token_hash=sha256_hex(token),
        device_hash=sha256_hex(device_id), user_agent=user_agent[:200], last_seen_at=now,
        expires_at=now + dt.timedelta(seconds=settings.LUMBUNG_MEMBER_SESSION_SECONDS),
    )
    return token


def member_session_resume(
    *, cooperative: Cooperative | None, token: str, device_id: str
) -> MemberSession | None:
    """The live session of `token` on this device (in `cooperative`, when given), or None
    (ended, idle, another device, another cooperative)."""
    if not token or not device_id:
        return None
    now = timezone.now()
    sessions = MemberSession.objects.select_related("member", "cooperative").filter(
        token_hash=sha256_hex(token), device_hash=sha256_hex(device_id), revoked_at=None,
        expires_at__gt=now)
    if cooperative is not None:
        sessions = sessions.filter(cooperative=cooperative)
    session = sessions.first()
    if session is None:
        return None
    idle = dt.timedelta(seconds=settings.LUMBUNG_MEMBER_IDLE_SECONDS)
    if now - session.last_seen_at > idle:
        MemberSession.objects.filter(pk=session.pk).update(revoked_at=now)
        return None
    if now - session.last_seen_at > dt.timedelta(minutes=1):
        MemberSession.objects.filter(pk=session.pk).update(last_seen_at=now)
    return session


def member_logout(*, session: MemberSession, everywhere: bool = False) -> int:
    """End this session, or (`everywhere`) every session of the member; returns how many."""
    sessions = MemberSession.objects.filter(revoked_at=None)
    if everywhere:
        sessions = sessions.filter(member_id=session.member_id)
    else:
        sessions = sessions.filter(pk=session.pk)
    return sessions.update(revoked_at=timezone.now())


def member_preferences_update(
    *, session: MemberSession, otp_enabled: bool, channels: set[str], email: str = ""
) -> MemberCredential:
    """The member's own choices: one-time code at login, notification channels.

    The in-app feed is not a choice: every posting always shows there. Raises PORTAL_NO_CONTACT
    when a channel has no phone number or e-mail to send to.
    """
    credential = MemberCredential.objects.get(member_id=session.member_id)
    email = email.strip()[:254]
    if channels & {"sms", "whatsapp"} and not credential.phone:
        raise LumbungError("PORTAL_NO_CONTACT", channel="SMS/WhatsApp")
    if otp_enabled and not credential.phone:
        raise LumbungError("PORTAL_NO_CONTACT", channel="SMS")
    if "email" in channels and not email:
        raise LumbungError("PORTAL_NO_CONTACT", channel="e-mail")
    with transaction.atomic(durable=True):
        credential.otp_enabled = otp_enabled
        credential.notify_sms = "sms" in channels
        credential.notify_whatsapp = "whatsapp" in channels
        credential.notify_email = "email" in channels
        credential.email = email
        credential.save(update_fields=["otp_enabled", "notify_sms", "notify_whatsapp",
                                       "notify_email", "email"])
        audit_record(action="portal.preferences.updated", acting_user=None,
                     cooperative=session.cooperative, obj=credential,
                     data={"member_id": session.member_id, "channels": sorted(channels),
                           "otp": otp_enabled})
    return credential
