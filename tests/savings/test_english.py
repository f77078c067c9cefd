"""Members, savings and counter screens in English (the apps' locale/en catalogues)."""

from __future__ import annotations

import pytest
from django.conf import settings

from lumbung.teller.models import CounterTransaction
from lumbung.teller.services import counter_loan_repay
from tests.savings.conftest import account_of, admit

# The counter's cast (its `siti` is her sukarela account, which the `loan` fixture uses).
from tests.teller.conftest import counter, session_a, siti  # noqa: F401
from tests.teller.test_loan_repayments import loan  # noqa: F401


def _english(as_user, user):
    client = as_user(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize(("path", "english", "indonesian"), [
    ("anggota/", "Members and candidates", "Anggota dan calon anggota"),
    ("anggota/baru/", "Register a candidate member", "Daftarkan calon anggota"),
    ("simpanan/", "Savings accounts", "Rekening simpanan"),
    ("simpanan/produk/", "Savings products", "Produk simpanan"),
])
def test_the_savings_screens_speak_english(city, as_user, path, english, indonesian):
    admit(city.coop_a, city.teller_a)
    page = _english(as_user, city.manager_a).get(f"/k/ksp-a/{path}").content.decode()
    assert english in page and indonesian not in page


def test_a_members_page_and_passbook_in_english(city, as_user):
    admission = admit(city.coop_a, city.teller_a)
    client = _english(as_user, city.teller_a)
    page = client.get(f"/k/ksp-a/anggota/{admission.member.pk}/").content.decode()
    assert "Show NIK and mobile number" in page and "Open an account" in page
    account = account_of(admission, "sukarela")
    passbook = client.get(f"/k/ksp-a/simpanan/{account.number}/").content.decode()
    assert "Opening balance" in passbook and "Saldo awal" not in passbook


def test_the_wadiah_bonus_screen_in_english(city, as_user):
    from tests.conftest import _staff

    manager_b = _staff(city.coop_b, "manajer-b", "manajer")
    page = _english(as_user, manager_b).get("/k/kspps-b/simpanan/bonus-wadiah/").content.decode()
    assert "never promised in advance" in page and "Work out the split" in page


def test_the_counters_loan_row_and_receipt_in_english(city, session_a, loan,  # noqa: F811
                                                      as_user):
    client = _english(as_user, city.teller_a)
    page = client.get("/k/ksp-a/kasir/", {"q": "Siti"}).content.decode()
    assert "Pay instalment" in page and "Instalment (Rp)" in page
    counter_loan_repay(session=session_a, loan=loan, amount=1_150_000_00,
                       acting_user=city.teller_a)
    record = CounterTransaction.objects.get(kind="loan_repayment")
    receipt = client.get(f"/k/ksp-a/kasir/bukti/{record.pk}/").content.decode()
    assert "Loan Repayment Receipt" in receipt and "Loan outstanding" in receipt
    assert "Interest / margin" in receipt
