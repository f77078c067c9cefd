"""Registering members. Every write here is audited with the NIK masked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction

from lumbung.audit.services import audit_record
from lumbung.core.errors import LumbungError
from lumbung.members.calculations import mask_nik, nik_check
from lumbung.members.models import Member
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
    **details: Any,
) -> Member:
    """Register a calon anggota from their KTP. Raises MEMBER_NIK_INVALID, MEMBER_NIK_TAKEN.

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
                **details,
            )
            audit_record(
                action="members.member.registered",
                acting_user=acting_user,
                cooperative=cooperative,
                obj=member,
                data={"nik": mask_nik(member.nik), "warnings": list(check.warnings)},
            )
    except IntegrityError as exc:
        raise LumbungError("MEMBER_NIK_TAKEN", nik=mask_nik(check.nik)) from exc
    return member
