"""The standing instruction (autodebet) set or stopped after disbursement, on the loan card and
through the API: only the borrower's own drawable savings, audited, refused to the wrong people
with nothing written, and honoured by the next night's collection."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import transaction

from lumbung.audit.models import AuditEvent
from lumbung.core.errors import LumbungError
from lumbung.loans import collection
from lumbung.loans.models import Loan, LoanRepayment
from lumbung.loans.services import loan_repay, loan_standing_instruction_set, payoff_amount
from lumbung.savings.services import savings_available, savings_deposit
from tests.conftest import City
from tests.loans.conftest import RUPIAH, admit, disbursed_loan, move_to, vault
from tests.savings.conftest import account_of
from tests.web.conftest import client_for

INSTALMENT = 1_150_000 * RUPIAH


def _audits() -> int:
    return AuditEvent.objects.filter(action="loans.standing_instruction.changed").count()


def test_a_teller_sets_the_instruction_on_the_card_and_the_night_collects(
        funded: City, siti_admission) -> None:
    loan = disbursed_loan(funded, siti_admission.member)  # in cash: no instruction yet
    sukarela = account_of(siti_admission, "sukarela")
    savings_deposit(cooperative=funded.coop_a, account=sukarela, amount=2 * INSTALMENT,
                    counterpart=vault(funded.coop_a), acting_user=funded.teller_a,
                    idempotency_key="test:deposit:si")
    teller = client_for(funded.teller_a)
    url = f"/k/ksp-a/pinjaman/{loan.pk}/autodebet/"
    card = teller.get(f"/k/ksp-a/pinjaman/{loan.pk}/").content.decode()
    assert 'id="standing-instruction">tidak ada' in card
    teller.post(url, {"savings_account": str(sukarela.pk)})
    assert Loan.objects.get(pk=loan.pk).autodebit_savings_id == sukarela.pk
    card = teller.get(f"/k/ksp-a/pinjaman/{loan.pk}/").content.decode()
    assert f"dari simpanan {sukarela.number} setiap malam" in card
    before = savings_available(sukarela)
    move_to(funded, dt.date(2026, 12, 20))
    with transaction.atomic(durable=True):
        assert collection.collect_due(cooperative=funded.coop_a, as_of=funded.coop_a.business_date,
                                      acting_user=None) == {"loans": 1, "settled": INSTALMENT}
    assert savings_available(sukarela) == before - INSTALMENT
    assert LoanRepayment.objects.get(loan=loan).channel == "autodebit"
    teller.post(url, {"savings_account": ""})
    assert Loan.objects.get(pk=loan.pk).autodebit_savings_id is None
    assert _audits() == 2


@pytest.mark.parametrize(("who", "status"), [("auditor_a", 403), ("analyst_a", 403),
                                             ("teller_b", 404)])
def test_the_wrong_people_cannot_change_it(funded: City, siti_admission, who: str,
                                           status: int) -> None:
    loan = disbursed_loan(funded, siti_admission.member)
    sukarela = account_of(siti_admission, "sukarela")
    client = client_for(getattr(funded, who))
    assert client.post(f"/k/ksp-a/pinjaman/{loan.pk}/autodebet/",
                       {"savings_account": str(sukarela.pk)}).status_code == status
    assert client.post(f"/api/v1/cooperatives/ksp-a/loans/{loan.pk}/standing-instruction",
                       json.dumps({"savings_account_id": sukarela.pk}),
                       content_type="application/json").status_code == status
    assert Loan.objects.get(pk=loan.pk).autodebit_savings_id is None and _audits() == 0


def test_only_the_borrowers_own_drawable_savings_of_a_running_loan(funded: City,
                                                                   siti_admission) -> None:
    loan = disbursed_loan(funded, siti_admission.member)
    other = admit(funded.coop_a, funded.teller_a, name="Budi Santoso", gender="L")

    def refused(account, code: str) -> None:
        with pytest.raises(LumbungError) as error:
            loan_standing_instruction_set(cooperative=funded.coop_a, loan=loan,
                                          savings_account=account, acting_user=funded.teller_a)
        assert error.value.code == code

    refused(account_of(other, "sukarela"), "NOT_FOUND")
    refused(account_of(siti_admission, "pokok"), "LOAN_STANDING_INSTRUCTION_ACCOUNT")
    refused(account_of(siti_admission, "wajib"), "LOAN_STANDING_INSTRUCTION_ACCOUNT")
    loan_repay(cooperative=funded.coop_a, loan=loan, amount=payoff_amount(loan),
               early_payoff=True, acting_user=funded.teller_a)
    refused(account_of(siti_admission, "sukarela"), "LOAN_NOT_ACTIVE")
    assert Loan.objects.get(pk=loan.pk).autodebit_savings_id is None and _audits() == 0


def test_the_api_sets_and_stops_it(funded: City, siti_admission) -> None:
    loan = disbursed_loan(funded, siti_admission.member)
    sukarela = account_of(siti_admission, "sukarela")
    teller = client_for(funded.teller_a)
    url = f"/api/v1/cooperatives/ksp-a/loans/{loan.pk}/standing-instruction"
    done = teller.post(url, json.dumps({"savings_account_id": sukarela.pk}),
                       content_type="application/json")
    assert done.status_code == 200 and done.json()["autodebit_savings_id"] == sukarela.pk
    stopped = teller.post(url, json.dumps({"savings_account_id": None}),
                          content_type="application/json")
    assert stopped.json()["autodebit_savings_id"] is None and _audits() == 2
    pokok = account_of(siti_admission, "pokok")
    refused = teller.post(url, json.dumps({"savings_account_id": pokok.pk}),
                          content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["code"] == "LOAN_STANDING_INSTRUCTION_ACCOUNT"
