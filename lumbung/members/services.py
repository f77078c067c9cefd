"""Registering members. Every write here is audited with the NIK masked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from lumbung.audit.services import audit_record
from lumbung.core.errors import LumbungError
from lumbung.members.calculations import mask_nik, nik_check
from lumbung.members.models import Member
from lumbung.members.photos import clean_photo, photo_name, private_storage
from lumbung.tenancy.models import Cooperative

NIK_REASONS = {
    "NIK_LENGTH": "harus tepat 16 angka",
    "NIK_REGION": "kode provinsi, kabupaten/kota dan kecamatan tidak boleh 00",
    "NIK_BIRTH_DATE": "tanggal dan bulan lahir di dalam NIK bukan tanggal yang ada",
    "NIK_SERIAL": "nomor urut tidak boleh 0000",
}


def member_register(
    *,
    cooperative: Cooperative,
    nik: str,
    name: str,
    birth_date: dt.date,
    gender: str,
    acting_user: Any,
    ktp_photo: bytes | None = None,
    **details: Any,
) -> Member:
    """Register a calon anggota from their KTP, with a photo of it if given. Raises
    MEMBER_NIK_INVALID, MEMBER_NIK_TAKEN, MEMBER_KTP_NOT_IMAGE, MEMBER_KTP_TOO_LARGE; nothing
    is kept on a refusal (a photo already stored is removed again).

    Warnings (birth date or gender differing from the NIK) are kept on the member, not refused.
    """
    name = name.strip()
    if not name:
        raise LumbungError("BAD_INPUT", detail="nama wajib diisi")
    if gender not in Member.Gender.values:
        raise LumbungError("BAD_INPUT", detail="jenis kelamin harus L atau P")
    check = nik_check(nik, birth_date=birth_date, gender=gender, today=cooperative.business_date)
    if not check.ok:
        raise LumbungError(
            "MEMBER_NIK_INVALID",
            nik=mask_nik(check.nik),
            reason="; ".join(NIK_REASONS[code] for code in check.errors),
        )
    photo = clean_photo(ktp_photo) if ktp_photo else None
    storage = private_storage()
    stored = storage.save(photo_name(cooperative.pk), ContentFile(photo)) if photo else ""
    try:
        with transaction.atomic(durable=True):
            member = Member.objects.create(
                cooperative=cooperative,
                nik=check.nik,
                name=name,
                birth_date=birth_date,
                gender=gender,
                nik_warnings=list(check.warnings),
                registered_on=cooperative.business_date,
                ktp_photo=stored,
                **details,
            )
            audit_record(
                action="members.member.registered",
                acting_user=acting_user,
                cooperative=cooperative,
                obj=member,
                data={"nik": mask_nik(member.nik), "warnings": list(check.warnings),
                      "ktp_photo": bool(stored)},
            )
    except IntegrityError as exc:
        if stored:
            storage.delete(stored)
        raise LumbungError("MEMBER_NIK_TAKEN", nik=mask_nik(check.nik)) from exc
    except BaseException:
        if stored:
            storage.delete(stored)
        raise
    return member


def member_ktp_photo_set(
    *, cooperative: Cooperative, member: Member, ktp_photo: bytes, acting_user: Any
) -> Member:
    """Keep a (new) photo of the member's KTP; the one it replaces is removed after commit.
    Raises MEMBER_KTP_NOT_IMAGE, MEMBER_KTP_TOO_LARGE, NOT_FOUND (another cooperative's)."""
    if member.cooperative_id != cooperative.pk:
        raise LumbungError("NOT_FOUND")
    photo = clean_photo(ktp_photo)
    storage = private_storage()
    stored = storage.save(photo_name(cooperative.pk), ContentFile(photo))
    try:
        with transaction.atomic(durable=True):
            locked = Member.objects.select_for_update().get(pk=member.pk)
            previous = locked.ktp_photo
            locked.ktp_photo = stored
            locked.save(update_fields=["ktp_photo"])
            audit_record(action="members.ktp_photo.uploaded", acting_user=acting_user,
                         cooperative=cooperative, obj=locked,
                         data={"nik": mask_nik(locked.nik), "replaced": bool(previous)})
            if previous:
                transaction.on_commit(lambda: storage.delete(previous))
    except BaseException:
        storage.delete(stored)
        raise
    member.ktp_photo = stored
    return member
