"""The Kasir screens: who may do what (403 / 404 and nothing written), the counter flow over
HTTP, receipts as HTML and PDF, the manager's view without N+1."""

from __future__ import annotations

import pytest

from lumbung.audit.models import AuditEvent
from lumbung.ledger.models import ApprovalRequest, JournalEntry
from lumbung.savings.models import SavingsAccount
from lumbung.teller.models import CounterTransaction, DrawerSession
from lumbung.teller.services import counter_deposit
from tests.teller.conftest import register_member

KASIR = "/k/ksp-a/kasir/"


def writes() -> tuple[int, int, int, int]:
    return (JournalEntry.objects.count(), ApprovalRequest.objects.count(),
            CounterTransaction.objects.count(), DrawerSession.objects.count())


def test_a_teller_opens_a_drawer_and_deposits_over_http(city, counter, as_user):
    client = as_user(city.teller_a)
    assert "Buka laci kas" in client.get(KASIR).content.decode()
    response = client.post(f"{KASIR}buka/", {"drawer": counter.drawer_a.pk,
                                             "float": "2.000.000"})
    assert response.status_code == 302
    session = DrawerSession.objects.get()
    assert session.float_amount == 2_000_000_00
    member = register_member(city.coop_a, city.teller_a)
    page = client.get(KASIR, {"q": "Siti"}).content.decode()
    assert "Terima simpanan pokok" in page
    response = client.post(f"{KASIR}anggota-baru/", {"member": member.pk, "token": "x1"})
    admission = CounterTransaction.objects.get(kind="admission")
    assert response["Location"] == f"{KASIR}bukti/{admission.pk}/"
    page = client.get(KASIR, {"q": "1"}).content.decode()  # member number 1
    assert "SS-" in page
    account = SavingsAccount.objects.get(member=admission.member, product__kind="sukarela")
    response = client.post(f"{KASIR}setor/", {"account": account.pk, "amount": "1.250.000",
                                              "token": "x2"})
    deposit = CounterTransaction.objects.get(kind="deposit")
    assert deposit.amount == 1_250_000_00
    receipt = client.get(response["Location"]).content.decode()
    assert "Satu juta dua ratus lima puluh ribu rupiah" in receipt
    assert "Rp1.250.000,00" in receipt
    assert admission.member.nik not in receipt
    assert f"/v/ksp-a/{deposit.entry.number}/{deposit.entry.hash[:16]}/" in receipt
    # A resend of the same form (same token) posts nothing more.
    client.post(f"{KASIR}setor/", {"account": account.pk, "amount": "1.250.000", "token": "x2"})
    assert CounterTransaction.objects.filter(kind="deposit").count() == 1


@pytest.mark.parametrize("paper", ["a6", "80mm"])
def test_receipts_print_as_pdf(city, session_a, siti, as_user, paper):
    record = counter_deposit(session=session_a, account=siti, amount=75_000_00,
                             acting_user=city.teller_a)
    response = as_user(city.teller_a).get(f"{KASIR}bukti/{record.pk}/{paper}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_bad_amount_is_refused_with_its_code_and_writes_nothing(city, session_a, siti,
                                                                  as_user):
    client = as_user(city.teller_a)
    before = writes()
    response = client.post(f"{KASIR}setor/", {"account": siti.pk, "amount": "12.5O0"},
                           follow=True)
    assert "BAD_AMOUNT" in response.content.decode()
    assert writes() == before


@pytest.mark.parametrize("user", ["auditor_a", "accountant_a", "analyst_a"])
def test_people_without_a_counter_role_are_refused(city, session_a, siti, as_user, user):
    client = as_user(getattr(city, user))
    before = writes()
    assert client.get(KASIR).status_code == 403
    assert client.post(f"{KASIR}setor/", {"account": siti.pk, "amount": "1.000"}
                       ).status_code == 403
    assert client.post(f"{KASIR}laci/tambah/", {"name": "Laci X"}).status_code == 403
    assert writes() == before


def test_another_cooperatives_teller_gets_404_and_writes_nothing(city, session_a, siti,
                                                                 as_user):
    client = as_user(city.teller_b)
    before = writes()
    record = CounterTransaction.objects.get(kind="admission")
    assert client.get(KASIR).status_code == 404
    assert client.post(f"{KASIR}setor/", {"account": siti.pk, "amount": "1.000"}
                       ).status_code == 404
    assert client.get(f"{KASIR}bukti/{record.pk}/").status_code == 404
    # In their own cooperative, A's account is not found either.
    assert client.post("/k/kspps-b/kasir/setor/", {"account": siti.pk, "amount": "1.000"}
                       ).status_code == 404
    assert writes() == before


def test_a_teller_without_an_open_drawer_is_told_so(city, counter, siti_without_drawer,
                                                    as_user):
    response = as_user(city.manager_a).post(
        f"{KASIR}setor/", {"account": siti_without_drawer.pk, "amount": "1.000"}, follow=True)
    assert "TELLER_NO_OPEN_DRAWER" in response.content.decode()


def test_the_managers_view_lists_every_drawer_in_fixed_queries(
        city, counter, as_user, django_assert_max_num_queries):
    from tests.teller.conftest import open_many

    open_many(city, 3)
    client = as_user(city.manager_a)
    with django_assert_max_num_queries(12):
        page = client.get(f"{KASIR}laci/").content.decode()
    assert page.count("data-session=") == 3
    open_many(city, 3, start=3)
    with django_assert_max_num_queries(12):
        page = client.get(f"{KASIR}laci/").content.decode()
    assert page.count("data-session=") == 6


def test_dinas_reads_the_drawers_and_is_audited(city, session_a, as_user):
    client = as_user(city.analyst_a)
    assert client.get(f"{KASIR}laci/").status_code == 200
    assert AuditEvent.objects.filter(actor=city.analyst_a,
                                     action="supervision.read.teller_drawers").count() == 1


def test_the_manager_adds_a_drawer(city, counter, as_user):
    client = as_user(city.manager_a)
    client.post(f"{KASIR}laci/tambah/", {"name": "Laci 3"})
    assert counter.drawer_a.cooperative.drawers.filter(name="Laci 3").exists()
    response = client.post(f"{KASIR}laci/tambah/", {"name": "Laci 3"}, follow=True)
    assert "TELLER_DRAWER_NAME_TAKEN" in response.content.decode()


def test_the_teller_closes_with_a_count_over_http(city, session_a, as_user):
    client = as_user(city.teller_a)
    page = client.get(f"{KASIR}tutup/").content.decode()
    assert 'name="k100000"' in page and 'name="l50"' in page
    response = client.post(f"{KASIR}tutup/", {"k100000": "99", "k50000": "1", "k20000": "x"})
    assert response.status_code == 400
    assert "TELLER_BAD_COUNT" in response.content.decode()
    response = client.post(f"{KASIR}tutup/", {"k100000": "99", "k50000": "1",
                                              "note": "uang lusuh"})
    session_a.refresh_from_db()
    assert response["Location"] == f"{KASIR}sesi/{session_a.pk}/"
    assert (session_a.counted_amount, session_a.difference) == (9_950_000_00, -50_000_00)
    page = client.get(response["Location"]).content.decode()
    assert "kurang" in page and "uang lusuh" in page


def test_the_approvals_screen_shows_a_counter_withdrawal(city, session_a, siti, as_user):
    from lumbung.teller.services import counter_withdraw

    counter_deposit(session=session_a, account=siti, amount=6_000_000_00,
                    acting_user=city.teller_a)
    counter_withdraw(session=session_a, account=siti, amount=5_500_000_00,
                     acting_user=city.teller_a)
    page = as_user(city.manager_a).get("/k/ksp-a/persetujuan/")
    assert page.status_code == 200
    assert "Rp5.500.000,00" in page.content.decode()
