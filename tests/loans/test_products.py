"""A manager sets the cooperative's loan products and its own BMPP; nobody else can, and a
refused change writes nothing. Running loans keep their contract's terms; loans approved after
a change take the new ones. Amounts worked by hand.

pinjaman-umum as installed: flat 18% a year, Rp500.000-50.000.000, 3-36 months, provisi 1%,
administrasi Rp25.000, premi 0,5%, denda 0,1% a day capped at 10%, whole-Rupiah rounding.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.conf import settings
from django.forms.models import model_to_dict

from lumbung.audit.models import AuditEvent
from lumbung.core.errors import LumbungError
from lumbung.loans import portfolio
from lumbung.loans.models import LendingLimitPolicy, LoanApplication, LoanProduct
from lumbung.loans.products import loan_product_update
from lumbung.loans.services import loan_application_submit, loan_disburse, loan_repay
from tests.conftest import City
from tests.loans.conftest import RUPIAH, admit, approved_loan, disbursed_loan, move_to, product
from tests.web.conftest import client_for

BASE = "/k/ksp-a/pinjaman/produk"


def _form(**changes: str) -> dict[str, str]:
    """The edit form as a manager would send it for pinjaman-umum unchanged, then `changes`."""
    form = {"name": "Pinjaman Umum Anggota", "active": "1", "method": "flat",
            "annual_rate": "18", "min_amount": "500.000", "max_amount": "50.000.000",
            "min_term": "3", "max_term": "36", "grace_months": "0",
            "committee_threshold": "25.000.000", "provision_rate": "1", "admin_rate": "0",
            "admin_fee": "25.000", "insurance_rate": "0,5", "penalty_rate": "0,1",
            "penalty_period": "day", "penalty_cap_rate": "10", "allocation_1": "penalty",
            "allocation_2": "interest", "allocation_3": "principal", "rounding_unit": "100",
            "early_payoff_rule": "current_interest"}
    form.update(changes)
    return form


def _audits() -> int:
    return AuditEvent.objects.filter(action__in=[
        "loans.product.updated", "loans.product.created", "loans.lending_limit.changed"]).count()


def test_the_unchanged_form_changes_nothing(city: City) -> None:
    umum = product(city.coop_a)
    response = client_for(city.manager_a).post(f"{BASE}/{umum.pk}/", _form())
    assert response.status_code == 302
    assert model_to_dict(LoanProduct.objects.get(pk=umum.pk)) == model_to_dict(umum)
    assert _audits() == 0


def test_a_manager_sets_a_product_and_it_is_audited(city: City) -> None:
    umum = product(city.coop_a)
    manager = client_for(city.manager_a)
    assert manager.get(f"{BASE}/{umum.pk}/").status_code == 200
    response = manager.post(f"{BASE}/{umum.pk}/", _form(
        name="Pinjaman Umum 2027", annual_rate="20", provision_rate="1,5", admin_fee="30.000",
        penalty_rate="2", penalty_period="month", penalty_cap_rate="",
        allocation_1="principal", allocation_3="penalty", rounding_unit="100000",
        early_payoff_rule="full_interest", committee_threshold="50.000.000", grace_months="1"))
    assert response.status_code == 302 and response["Location"] == f"{BASE}/"
    umum.refresh_from_db()
    assert (umum.name, umum.annual_rate, umum.provision_rate, umum.admin_fee) == (
        "Pinjaman Umum 2027", Decimal(20), Decimal("1.5"), 30_000 * RUPIAH)
    assert (umum.penalty_rate, umum.penalty_period, umum.penalty_cap_rate) == (
        Decimal(2), "month", None)
    assert umum.allocation == ("principal", "interest", "penalty")
    assert (umum.rounding_unit, umum.early_payoff_rule, umum.committee_threshold,
            umum.grace_months) == (1_000 * RUPIAH, "full_interest", 50_000_000 * RUPIAH, 1)
    [event] = AuditEvent.objects.filter(action="loans.product.updated")
    assert event.actor_id == city.manager_a.pk
    assert event.data["before"]["annual_rate"] == "18.0000"
    assert event.data["after"]["annual_rate"] == "20"
    assert event.data["before"]["allocation_order"] == "penalty,interest,principal"
    assert "min_amount" not in event.data["after"]  # only what changed
    listing = manager.get(f"{BASE}/").content.decode()
    assert "Pinjaman Umum 2027" in listing and "pokok → bunga / margin → denda" in listing


def test_running_loans_keep_their_contract_and_new_loans_take_the_change(funded: City,
                                                                         siti) -> None:
    running = disbursed_loan(funded, siti)  # 10 months, Rp1.150.000 due on the 20th
    umum = product(funded.coop_a)
    loan_product_update(cooperative=funded.coop_a, product=umum, acting_user=funded.manager_a,
                        annual_rate=Decimal(24), penalty_rate=Decimal("0.5"),
                        rounding_unit=1_000 * RUPIAH,
                        allocation_order="principal,interest,penalty")
    budi = admit(funded.coop_a, funded.teller_a, name="Budi Santoso").member
    fresh = loan_disburse(cooperative=funded.coop_a, acting_user=funded.teller_a,
                          loan=approved_loan(funded, budi, amount_rupiah=1_000_000, months=3))
    # The running loan: still 18 % and 0,1 % a day. Ten days late on Rp1.150.000: Rp11.500.
    move_to(funded, dt.date(2026, 12, 30))
    portfolio.penalties_charge(cooperative=funded.coop_a, as_of=funded.coop_a.business_date)
    first = running.instalments.get(n=1)
    assert (first.interest, first.penalty) == (150_000 * RUPIAH, 11_500 * RUPIAH)
    # The new loan: 24 % flat on Rp1.000.000 is Rp20.000 a month; Rp353.333,33 rounded to the
    # Rp1.000 is Rp353.000, the last instalment takes the rest (Rp354.000). Ten days late on
    # Rp353.000 at 0,5 % a day: Rp17.650.
    rows = list(fresh.instalments.order_by("n"))
    assert [(r.principal, r.interest) for r in rows] == [
        (333_000 * RUPIAH, 20_000 * RUPIAH), (333_000 * RUPIAH, 20_000 * RUPIAH),
        (334_000 * RUPIAH, 20_000 * RUPIAH)]
    assert rows[0].penalty == 17_650 * RUPIAH
    # Principal first, then interest, penalty last.
    paid = loan_repay(cooperative=funded.coop_a, loan=fresh, amount=340_000 * RUPIAH,
                      acting_user=funded.teller_a)
    assert (paid.principal, paid.interest, paid.penalty) == (
        333_000 * RUPIAH, 7_000 * RUPIAH, 0)
    old = loan_repay(cooperative=funded.coop_a, loan=running, amount=20_000 * RUPIAH,
                     acting_user=funded.teller_a)
    assert (old.penalty, old.interest, old.principal) == (11_500 * RUPIAH, 8_500 * RUPIAH, 0)


WRITES = [
    ("get", "{base}/{pk}/", {}),
    ("post", "{base}/{pk}/", _form(annual_rate="30")),
    ("post", "{base}/salin/", {"source": "{pk}", "code": "pinjaman-baru", "name": "Baru"}),
    ("post", "{base}/bmpp/", {"related_party": "5", "other": "7"}),
]


@pytest.mark.parametrize(("who", "status"), [
    ("teller_a", 403), ("accountant_a", 403), ("auditor_a", 403), ("board_a", 403),
    ("analyst_a", 403), ("teller_b", 404)])
def test_only_a_manager_changes_products_and_the_bmpp(city: City, board_a, who: str,
                                                      status: int) -> None:
    user = board_a if who == "board_a" else getattr(city, who)
    umum = product(city.coop_a)
    before = model_to_dict(umum)
    products = LoanProduct.objects.count()
    client = client_for(user)
    for method, url, data in WRITES:
        data = {k: v.format(pk=umum.pk) for k, v in data.items()}
        response = getattr(client, method)(url.format(base=BASE, pk=umum.pk), data)
        assert response.status_code == status, (url, response.status_code)
    assert model_to_dict(LoanProduct.objects.get(pk=umum.pk)) == before
    assert LoanProduct.objects.count() == products
    assert LendingLimitPolicy.objects.count() == 0 and _audits() == 0


def test_everyone_in_the_cooperative_reads_the_products_and_the_dinas_read_is_audited(
        city: City) -> None:
    page = client_for(city.teller_a).get(f"{BASE}/")
    text = page.content.decode()
    assert page.status_code == 200 and "Pinjaman Umum Anggota" in text
    assert "Simpan BMPP" not in text and "Hanya manajer" in text
    assert client_for(city.teller_b).get(f"{BASE}/").status_code == 404
    assert client_for(city.analyst_a).get(f"{BASE}/").status_code == 200
    assert AuditEvent.objects.filter(action="supervision.read.loan_products").count() == 1


@pytest.mark.parametrize(("changes", "code"), [
    ({"allocation_1": "interest"}, "LOAN_PRODUCT_ALLOCATION"),
    ({"rounding_unit": "700"}, "LOAN_PRODUCT_ROUNDING"),
    ({"min_amount": "60.000.000"}, "LOAN_PRODUCT_AMOUNTS"),
    ({"min_amount": "0"}, "LOAN_PRODUCT_AMOUNTS"),
    ({"grace_months": "3"}, "LOAN_PRODUCT_TERMS"),
    ({"max_term": "400"}, "LOAN_PRODUCT_TERMS"),
    ({"annual_rate": "delapan"}, "LOAN_PRODUCT_RATE_RANGE"),
    ({"penalty_rate": "-1"}, "LOAN_PRODUCT_RATE_RANGE"),
    ({"provision_rate": "60", "insurance_rate": "40"}, "LOAN_PRODUCT_FEES"),
    ({"method": "bunga-berbunga"}, "LOAN_PRODUCT_CHOICE"),
    ({"name": " "}, "LOAN_PRODUCT_NAME"),
    ({"admin_fee": "25,000.00"}, "BAD_AMOUNT"),
])
def test_settings_no_loan_could_run_on_are_refused(city: City, changes: dict[str, str],
                                                   code: str) -> None:
    umum = product(city.coop_a)
    before = model_to_dict(umum)
    response = client_for(city.manager_a).post(f"{BASE}/{umum.pk}/", _form(**changes))
    assert response.status_code == 400 and f"({code})" in response.content.decode()
    assert model_to_dict(LoanProduct.objects.get(pk=umum.pk)) == before
    assert _audits() == 0


def test_qardh_stays_free_of_margin(city: City) -> None:
    qardh = LoanProduct.objects.get(cooperative=city.coop_b, code="qardh")
    with pytest.raises(LumbungError) as refused:
        loan_product_update(cooperative=city.coop_b, product=qardh, annual_rate=Decimal(2),
                            acting_user=None)
    assert refused.value.code == "LOAN_PRODUCT_QARDH_RATE"
    with pytest.raises(LumbungError) as other_tenant:
        loan_product_update(cooperative=city.coop_a, product=qardh, admin_fee=0,
                            acting_user=None)
    assert other_tenant.value.code == "NOT_FOUND"
    assert LoanProduct.objects.get(pk=qardh.pk).annual_rate == 0


def test_a_manager_copies_a_product_into_a_new_inactive_one(city: City) -> None:
    umum = product(city.coop_a)
    manager = client_for(city.manager_a)
    response = manager.post(f"{BASE}/salin/", {"source": str(umum.pk), "code": "pinjaman-panen",
                                               "name": "Pinjaman Musim Panen"})
    created = LoanProduct.objects.get(cooperative=city.coop_a, code="pinjaman-panen")
    assert response["Location"] == f"{BASE}/{created.pk}/"
    assert (created.name, created.active, created.annual_rate, created.admin_fee,
            created.contract) == ("Pinjaman Musim Panen", False, Decimal(18),
                                  25_000 * RUPIAH, "conventional")
    for code in ("pinjaman-panen", "Pinjaman Panen", "x"):
        refused = manager.post(f"{BASE}/salin/", {"source": str(umum.pk), "code": code,
                                                  "name": "Lagi"}, follow=True)
        assert "(LOAN_PRODUCT_CODE)" in refused.content.decode()
    assert LoanProduct.objects.filter(cooperative=city.coop_a).count() == 4
    other = LoanProduct.objects.get(cooperative=city.coop_b, code="murabahah")
    assert manager.post(f"{BASE}/salin/", {"source": str(other.pk), "code": "curian",
                                           "name": "Curian"}).status_code == 404
    assert AuditEvent.objects.filter(action="loans.product.created").count() == 1


def test_the_cooperatives_own_bmpp_is_lower_than_the_rule_and_applies(funded: City,
                                                                      siti) -> None:
    manager = client_for(funded.manager_a)
    for form, code in ((({"related_party": "10", "other": "16"}),
                        "LOAN_LENDING_LIMIT_ABOVE_RULE"),
                       ({"related_party": "0", "other": "5"}, "LOAN_PRODUCT_RATE_RANGE"),
                       ({"related_party": "lima", "other": "5"}, "LOAN_PRODUCT_RATE_RANGE")):
        refused = manager.post(f"{BASE}/bmpp/", form, follow=True)
        assert f"({code})" in refused.content.decode()
    assert LendingLimitPolicy.objects.count() == 0
    manager.post(f"{BASE}/bmpp/", {"related_party": "0,25", "other": "0,5"})
    policy = LendingLimitPolicy.objects.get(cooperative=funded.coop_a)
    assert (policy.related_party_percent, policy.other_percent) == (Decimal("0.25"),
                                                                    Decimal("0.5"))
    # Modal sendiri: the Rp1.000.000.000 reserve plus Siti's simpanan pokok and wajib, so 0,5 %
    # is a little above Rp5.000.000.
    umum = product(funded.coop_a)

    def apply(amount_rupiah: int, related: bool = False) -> LoanApplication:
        return loan_application_submit(
            cooperative=funded.coop_a, member=siti, product=umum,
            amount=amount_rupiah * RUPIAH, term_months=6, purpose="Modal",
            related_party=related, acting_user=funded.teller_a)

    with pytest.raises(LumbungError) as refused_other:
        apply(5_100_000)
    assert refused_other.value.code == "LOAN_LENDING_LIMIT"
    with pytest.raises(LumbungError) as refused_related:
        apply(2_600_000, related=True)
    assert refused_related.value.code == "LOAN_LENDING_LIMIT"
    assert apply(5_000_000).amount == 5_000_000 * RUPIAH
    assert AuditEvent.objects.filter(action="loans.lending_limit.changed").count() == 1


def test_the_product_screens_and_refusals_speak_english(city: City) -> None:
    manager = client_for(city.manager_a)
    manager.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # what the header's switch sets
    umum = product(city.coop_a)
    listing = manager.get(f"{BASE}/").content.decode()
    for text in ("Loan products and lending limit (BMPP)", "Payments", "a year",
                 "penalty → interest / margin → principal", "Save lending limit"):
        assert text in listing
    edit = manager.get(f"{BASE}/{umum.pk}/").content.decode()
    for text in ("Edit loan product", "Fees at disbursement", "Late penalty", "Save product",
                 "Instalment rounding (remainder in the last instalment)"):
        assert text in edit
    refused = manager.post(f"{BASE}/{umum.pk}/", _form(allocation_1="interest"))
    assert ("The payment allocation order must name penalty, interest and principal once "
            "each. (LOAN_PRODUCT_ALLOCATION)") in refused.content.decode()
    assert "Denda keterlambatan" not in edit and "Simpan produk" not in edit


def _pdf_text(content: bytes, tmp_path) -> str:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "contract.pdf"
    path.write_bytes(content)
    done = subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True)
    return " ".join(done.stdout.split())


def test_the_card_and_the_contract_state_the_loans_own_allocation_order(funded: City, siti,
                                                                       tmp_path) -> None:
    running = disbursed_loan(funded, siti)
    loan_product_update(cooperative=funded.coop_a, product=product(funded.coop_a),
                        acting_user=funded.manager_a, penalty_rate=Decimal("0.2"),
                        allocation_order="principal,interest,penalty")
    budi = admit(funded.coop_a, funded.teller_a, name="Budi Santoso").member
    fresh = loan_disburse(cooperative=funded.coop_a, acting_user=funded.teller_a,
                          loan=approved_loan(funded, budi, amount_rupiah=1_000_000, months=3))
    teller = client_for(funded.teller_a)
    cards = {loan.pk: teller.get(f"/k/ksp-a/pinjaman/{loan.pk}/").content.decode()
             for loan in (running, fresh)}
    assert "berturut-turut denda, bunga, lalu pokok" in cards[running.pk]
    teller.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = teller.get(f"/k/ksp-a/pinjaman/{fresh.pk}/").content.decode()
    assert "principal, interest, then penalty" in english
    contract = _pdf_text(teller.get(f"/k/ksp-a/pinjaman/{fresh.pk}/perjanjian.pdf").content,
                         tmp_path)
    # In Indonesian whatever the screen's language, with the loan's own terms.
    assert "dialokasikan berturut-turut untuk pokok, bunga, lalu denda" in contract
    assert "denda 0,20% per hari" in contract
    old = _pdf_text(teller.get(f"/k/ksp-a/pinjaman/{running.pk}/perjanjian.pdf").content,
                    tmp_path)
    assert "untuk denda, bunga, lalu pokok" in old and "denda 0,10% per hari" in old
