"""Registering a calon anggota: NIK checked, unique per cooperative, audited with the NIK masked."""

from __future__ import annotations

import datetime as dt

import pytest

from lumbung.audit.models import AuditEvent
from lumbung.core.errors import LumbungError
from lumbung.members.models import Member
from lumbung.members.services import member_register

NIK = "3375011708850001"


def _register(city, cooperative=None, nik=NIK, **extra):
    return member_register(
        cooperative=cooperative or city.coop_a, nik=nik, name="Siti Aminah",
        birth_date=dt.date(1985, 8, 17), gender="L", acting_user=city.teller_a,
        kelurahan="Noyontaan", kecamatan="Pekalongan Timur", phone="081234567890", **extra,
    )


def test_it_registers_a_candidate_without_a_member_number(city):
    member = _register(city)
    assert member.status == Member.Status.CANDIDATE
    assert member.number is None
    assert member.registered_on == city.coop_a.business_date
    assert member.nik_warnings == []
    event = AuditEvent.objects.get(action="members.member.registered")
    assert event.data["nik"] == "3375********0001"
    assert NIK not in str(event.data)


def test_one_nik_once_per_cooperative_but_again_in_another(city):
    _register(city)
    with pytest.raises(LumbungError) as caught:
        _register(city)
    assert caught.value.code == "MEMBER_NIK_TAKEN"
    assert "3375********0001" in caught.value.message
    assert Member.objects.filter(cooperative=city.coop_a).count() == 1
    _register(city, cooperative=city.coop_b)
    assert Member.objects.count() == 2


def test_a_broken_nik_is_refused_in_indonesian_and_nothing_is_written(city):
    with pytest.raises(LumbungError) as caught:
        _register(city, nik="3375013208850000")
    assert caught.value.code == "MEMBER_NIK_INVALID"
    assert "bukan tanggal yang ada" in caught.value.message
    assert "nomor urut tidak boleh 0000" in caught.value.message
    assert Member.objects.count() == 0
    assert not AuditEvent.objects.filter(action="members.member.registered").exists()


def test_a_mismatching_gender_is_kept_as_a_warning(city):
    member = member_register(cooperative=city.coop_a, nik="3375015708850002", name="Budi",
                             birth_date=dt.date(1985, 8, 17), gender="L",
                             acting_user=city.teller_a)
    assert member.nik_warnings == ["NIK_GENDER_MISMATCH"]
