"""Members with app PINs, and postings to their accounts, for the member's app tests."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.test import Client

from lumbung.ledger.services import LineSpec, journal_entry_post
from lumbung.members.models import Member
from lumbung.members.services import member_register
from lumbung.portal.access import DEVICE_COOKIE, SESSION_COOKIE
from lumbung.portal.services import member_login, member_pin_set

PIN = "240817"
RUPIAH = 100
NIKS = itertools.count(1)


def make_member(cooperative, number: int, name: str, phone: str = "") -> Member:
    """An anggota (the joining payment itself is the savings app's business)."""
    serial = next(NIKS)
    member = member_register(
        cooperative=cooperative, nik=f"337501{10 + serial % 18:02d}0590{serial:04d}", name=name,
        birth_date=dt.date(1990, 5, 10 + serial % 18), gender="L", phone=phone, acting_user=None)
    Member.objects.filter(pk=member.pk).update(status=Member.Status.MEMBER, number=number,
                                               joined_on=cooperative.business_date)
    member.refresh_from_db()
    return member


def deposit(cooperative, member: Member, amount: int, ref: str | None = None, text: str = ""):
    """A posting to the member's voluntary savings sub-ledger (cash in)."""
    code = _code(cooperative, "savings_wadiah" if cooperative.is_sharia else "savings_voluntary")
    return journal_entry_post(
        cooperative=cooperative,
        lines=[LineSpec(_code(cooperative, "cash"), debit=amount),
               LineSpec(code, credit=amount, member_id=member.pk,
                        subledger_ref=ref or f"savings:{9000 + member.pk}")],
        description=text or f"Setoran tunai {member.name}", source="teller", acting_user=None)


def _code(cooperative, purpose: str) -> str:
    from lumbung.ledger.models import Account

    return Account.objects.get(cooperative=cooperative, purpose=purpose).code


def member_client(cooperative, member: Member, device: str = "hp-siti-1") -> Client:
    """A browser logged in as `member` on device `device`."""
    outcome = member_login(cooperative=cooperative, identifier=str(member.number), pin=PIN,
                           device_id=device)
    client = Client()
    client.cookies[DEVICE_COOKIE] = device
    client.cookies[SESSION_COOKIE] = outcome.session_token
    return client


@pytest.fixture
def members(city):
    """Siti (A, no. 7, with PIN), Budi (A, no. 8, with PIN), Wati (B, no. 7, with PIN)."""
    siti = make_member(city.coop_a, 7, "Siti Aminah", phone="0812-3456-7001")
    budi = make_member(city.coop_a, 8, "Budi Santoso", phone="+62 812 3456 7002")
    wati = make_member(city.coop_b, 7, "Wati Lestari", phone="081234567003")
    for cooperative, member in ((city.coop_a, siti), (city.coop_a, budi), (city.coop_b, wati)):
        member_pin_set(cooperative=cooperative, member=member, pin=PIN,
                       acting_user=city.teller_a if cooperative == city.coop_a else city.teller_b)
    return {"siti": siti, "budi": budi, "wati": wati}


@pytest.fixture
def as_user():
    def client_for(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return client_for


def admitted(cooperative, user, name: str, gender: str = "P", phone: str = "") -> Member:
    """A member admitted through the savings app (pokok, wajib and a voluntary account)."""
    from lumbung.savings.services import counterpart_by_purpose, member_admit

    serial = next(NIKS)
    day = 50 + serial % 18 if gender == "P" else 10 + serial % 18
    member = member_register(
        cooperative=cooperative, nik=f"337501{day:02d}0885{serial:04d}", name=name,
        birth_date=dt.date(1985, 8, day % 40), gender=gender, phone=phone, acting_user=user)
    return member_admit(cooperative=cooperative, member=member,
                        counterpart=counterpart_by_purpose(cooperative, "cash"),
                        acting_user=user, idempotency_key=f"test:admit:{member.pk}").member


def top_up(cooperative, user, member: Member, amount: int):
    from lumbung.portal.ppob import voluntary_account
    from lumbung.savings.services import counterpart_by_purpose, savings_deposit

    return savings_deposit(cooperative=cooperative, account=voluntary_account(cooperative, member),
                           amount=amount, counterpart=counterpart_by_purpose(cooperative, "cash"),
                           acting_user=user, idempotency_key=None)


@pytest.fixture
def saver(city):
    """Sari, admitted in A, Rp500.000 in her voluntary savings."""
    member = admitted(city.coop_a, city.teller_a, "Sari Wulandari", phone="081299990001")
    top_up(city.coop_a, city.teller_a, member, 500_000 * RUPIAH)
    return member


@pytest.fixture
def members_of_a(city):
    """Another admitted member of A (Joko), with nothing saved beyond admission."""
    return admitted(city.coop_a, city.teller_a, "Joko Susilo", gender="L",
                    phone="081299990002")
