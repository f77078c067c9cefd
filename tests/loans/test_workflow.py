"""Applications, approvals by role limits (committee of two above the threshold, maker never
approves), the BMPP, and the loan an approval creates."""

from __future__ import annotations

import pytest

from lumbung.audit.models import AuditEvent
from lumbung.core.errors import LumbungError
from lumbung.loans.models import Loan, LoanApplication, LoanApprovalVote
from lumbung.loans.selectors import lending_limit_check, own_capital
from lumbung.loans.services import loan_application_decide, loan_application_submit
from lumbung.members.models import Member
from tests.conftest import City
from tests.loans.conftest import RUPIAH, admit, approved_loan, fund, product
from tests.savings.conftest import register


def _apply(city: City, member, amount_rupiah: int, **kwargs) -> LoanApplication:
    arguments = {"cooperative": city.coop_a, "member": member,
                 "product": product(city.coop_a), "amount": amount_rupiah * RUPIAH,
                 "term_months": 12, "purpose": "Tambah modal warung", "acting_user": city.teller_a}
    return loan_application_submit(**(arguments | kwargs))


def test_an_application_is_approved_and_becomes_a_loan_with_its_fees(funded: City, siti) -> None:
    application = _apply(funded, siti, 10_000_000, collateral="BPKB motor",
                         collateral_value=15_000_000 * RUPIAH, guarantor_name="Ahmad",
                         guarantor_relation="suami", character="Dikenal baik di RT",
                         capacity="Omzet Rp300.000/hari")
    assert application.status == "submitted" and application.applied_on == funded.coop_a.business_date
    loan_application_decide(application=application, approve=True, note="Layak",
                            acting_user=funded.manager_a)
    application.refresh_from_db()
    assert application.status == "approved"
    loan = Loan.objects.get(application=application)
    assert (loan.number, loan.status, loan.principal) == (1, "approved", 10_000_000 * RUPIAH)
    # Provisi 1%, administrasi Rp25.000, premi 0,5% (rules/products.yaml).
    assert (loan.provision_fee, loan.admin_fee, loan.insurance_premium) == (
        100_000 * RUPIAH, 25_000 * RUPIAH, 50_000 * RUPIAH)
    assert AuditEvent.objects.filter(action="loans.application.approved").count() == 1


def test_the_maker_never_approves_but_may_withdraw(funded: City, siti) -> None:
    application = _apply(funded, siti, 5_000_000, acting_user=funded.manager_a)
    with pytest.raises(LumbungError) as refused:
        loan_application_decide(application=application, approve=True,
                                acting_user=funded.manager_a)
    assert refused.value.code == "LOAN_MAKER_APPROVES"
    assert not LoanApprovalVote.objects.exists() and not Loan.objects.exists()
    loan_application_decide(application=application, approve=False, acting_user=funded.manager_a)
    application.refresh_from_db()
    assert application.status == "cancelled"


def test_people_without_an_approval_limit_are_refused(funded: City, siti) -> None:
    application = _apply(funded, siti, 5_000_000)
    for user in (funded.accountant_a, funded.auditor_a, funded.teller_b):
        with pytest.raises(LumbungError) as refused:
            loan_application_decide(application=application, approve=True, acting_user=user)
        assert refused.value.code in {"PERMISSION_DENIED", "LOAN_APPROVAL_LIMIT"}
    application.refresh_from_db()
    assert application.status == "submitted" and not LoanApprovalVote.objects.exists()


def test_above_the_committee_threshold_two_approvers_are_needed(
    funded: City, siti, board_a
) -> None:
    # Threshold Rp25.000.000; the manager's limit is Rp50.000.000.
    application = _apply(funded, siti, 30_000_000, term_months=24)
    loan_application_decide(application=application, approve=True, acting_user=funded.manager_a)
    application.refresh_from_db()
    assert application.status == "submitted" and not Loan.objects.exists()
    with pytest.raises(LumbungError) as refused:
        loan_application_decide(application=application, approve=True,
                                acting_user=funded.manager_a)
    assert refused.value.code == "LOAN_ALREADY_VOTED"
    loan_application_decide(application=application, approve=True, acting_user=board_a)
    application.refresh_from_db()
    assert application.status == "approved" and Loan.objects.count() == 1


def test_above_the_managers_limit_only_the_board_approves(funded: City, siti, board_a) -> None:
    application = _apply(funded, siti, 50_000_000, term_months=24)
    application.product.max_amount = 100_000_000 * RUPIAH
    application.product.save()
    application = _apply(funded, siti, 60_000_000, term_months=24,
                         product=application.product)
    with pytest.raises(LumbungError) as refused:
        loan_application_decide(application=application, approve=True,
                                acting_user=funded.manager_a)
    assert refused.value.code == "LOAN_APPROVAL_LIMIT"


def test_a_rejection_is_final(funded: City, siti, board_a) -> None:
    application = _apply(funded, siti, 5_000_000)
    loan_application_decide(application=application, approve=False, note="Kapasitas kurang",
                            acting_user=funded.manager_a)
    with pytest.raises(LumbungError) as refused:
        loan_application_decide(application=application, approve=True, acting_user=board_a)
    assert refused.value.code == "LOAN_NOT_PENDING"
    application.refresh_from_db()
    assert application.status == "rejected" and not Loan.objects.exists()


def test_the_lending_limit_follows_modal_sendiri(city: City) -> None:
    siti = admit(city.coop_a, city.teller_a).member  # pays pokok Rp100.000 + wajib Rp50.000
    fund(city.coop_a, 50_000_000)
    # Modal sendiri Rp50.150.000: 15% = Rp7.522.500 for members, 10% = Rp5.015.000 related.
    assert own_capital(cooperative=city.coop_a) == 50_150_000 * RUPIAH
    check = lending_limit_check(cooperative=city.coop_a, member=siti, amount=7_000_000 * RUPIAH,
                                related_party=False)
    assert (check.limit, check.ok) == (7_522_500 * RUPIAH, True)
    with pytest.raises(LumbungError) as refused:
        _apply(city, siti, 5_100_000, related_party=True)
    assert refused.value.code == "LOAN_LENDING_LIMIT"
    assert "Rp5.015.000,00" in refused.value.message
    # What she owes already counts: an approved loan of Rp5.000.000 leaves Rp2.522.500.
    approved_loan(city, siti, amount_rupiah=5_000_000)
    with pytest.raises(LumbungError) as refused:
        _apply(city, siti, 3_000_000)
    assert refused.value.code == "LOAN_LENDING_LIMIT"
    assert LoanApplication.objects.count() == 1
    _apply(city, siti, 2_500_000)


def test_candidates_and_out_of_range_requests_are_refused(funded: City, siti) -> None:
    candidate = register(funded.coop_a, funded.teller_a, name="Calon")
    cases = [
        ({"member": candidate}, "LOAN_MEMBER_NOT_ACTIVE"),
        ({"amount": 100_000 * RUPIAH}, "LOAN_AMOUNT_RANGE"),
        ({"amount": 60_000_000 * RUPIAH}, "LOAN_AMOUNT_RANGE"),
        ({"term_months": 48}, "LOAN_TERM_RANGE"),
        ({"purpose": "  "}, "BAD_INPUT"),
        ({"product": product(funded.coop_b, "murabahah")}, "NOT_FOUND"),
    ]
    for change, code in cases:
        with pytest.raises(LumbungError) as refused:
            member = change.pop("member", siti)
            _apply(funded, member, 1_000_000, **change)
        assert refused.value.code == code, change
    assert not LoanApplication.objects.exists()
    assert Member.objects.get(pk=candidate.pk).status == "calon"
