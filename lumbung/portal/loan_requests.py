"""Loans from the phone: simulation, application with documents, the application's progress,
the member's loans with their next instalment.

The rules are the loans app's: loan_quote (the product's terms and fees) and
loan_application_submit (membership, amount and term, the BMPP) decide; this module adds only
what the phone needs around them: the member's request token (a retried submission finds its
application again) and the documents the member attaches.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lumbung.audit.services import audit_record
from lumbung.core.errors import LumbungError
from lumbung.loans import selectors as loan_selectors
from lumbung.loans.models import Instalment, Loan, LoanApplication, LoanProduct
from lumbung.loans.services import approvals_needed, loan_application_submit
from lumbung.members.models import Member
from lumbung.portal.models import LoanDocument, LoanRequest
from lumbung.tenancy.models import Cooperative

# A phone photo of a KTP or a payslip; a PDF from a scanner app.
DOCUMENT_MAX_BYTES = 3 * 1024 * 1024
DOCUMENTS_PER_APPLICATION = 6
# The first bytes of each file type we accept, and the type it is then served as.
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)


@dataclass(frozen=True)
class DocumentUpload:
    """A file as it came from the phone (not yet checked)."""

    kind: str
    filename: str
    content: bytes


def _sniff(content: bytes) -> str:
    for magic, content_type in SIGNATURES:
        if content.startswith(magic):
            return content_type
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return ""


def documents_check(uploads: list[DocumentUpload], already: int = 0
                    ) -> list[tuple[DocumentUpload, str]]:
    """Each upload with the content type its bytes show. Raises PORTAL_DOCUMENT_KIND,
    PORTAL_DOCUMENT_TYPE, PORTAL_DOCUMENT_SIZE, PORTAL_DOCUMENT_COUNT; checks everything before
    anything is written."""
    if already + len(uploads) > DOCUMENTS_PER_APPLICATION:
        raise LumbungError("PORTAL_DOCUMENT_COUNT", limit=DOCUMENTS_PER_APPLICATION)
    checked = []
    for upload in uploads:
        if upload.kind not in LoanDocument.Kind.values:
            raise LumbungError("PORTAL_DOCUMENT_KIND", kind=upload.kind[:20])
        if not upload.content or len(upload.content) > DOCUMENT_MAX_BYTES:
            raise LumbungError("PORTAL_DOCUMENT_SIZE", name=upload.filename[:60],
                               limit=DOCUMENT_MAX_BYTES // (1024 * 1024))
        content_type = _sniff(upload.content)
        if not content_type:
            raise LumbungError("PORTAL_DOCUMENT_TYPE", name=upload.filename[:60])
        checked.append((upload, content_type))
    return checked


def _store(application: LoanApplication, checked: list[tuple[DocumentUpload, str]]) -> None:
    LoanDocument.objects.bulk_create([
        LoanDocument(cooperative_id=application.cooperative_id, member_id=application.member_id,
                     application=application, kind=upload.kind,
                     filename=upload.filename.replace("/", "_")[-100:] or "dokumen",
                     content_type=content_type, size=len(upload.content),
                     sha256=hashlib.sha256(upload.content).hexdigest(), content=upload.content)
        for upload, content_type in checked
    ])


def member_loan_apply(
    *, cooperative: Cooperative, member: Member, product: LoanProduct, amount: int,
    term_months: int, purpose: str, collateral: str = "", documents: list[DocumentUpload],
    client_token: str,
) -> LoanApplication:
    """The member's own application, waiting for the cooperative's approval like one taken at
    the office (it has no staff maker). A retry with the same client_token returns the first
    application. Raises the documents' PORTAL_DOCUMENT_* codes, PORTAL_REQUEST_BUSY (the same
    request still being submitted) and every refusal of loan_application_submit (LOAN_*,
    BAD_INPUT); nothing is kept when refused."""
    if member.cooperative_id != cooperative.pk:
        raise LumbungError("NOT_FOUND")
    earlier = LoanRequest.objects.filter(cooperative=cooperative, member=member,
                                         client_token=client_token).first()
    if earlier is not None:
        if earlier.application_id is None:
            raise LumbungError("PORTAL_REQUEST_BUSY")
        return LoanApplication.objects.get(pk=earlier.application_id)
    checked = documents_check(documents)
    try:
        with transaction.atomic(durable=True):
            claim = LoanRequest.objects.create(cooperative=cooperative, member=member,
                                               client_token=client_token)
    except IntegrityError as exc:  # the same request, submitted twice at the same moment
        raise LumbungError("PORTAL_REQUEST_BUSY") from exc
    try:
        application = loan_application_submit(
            cooperative=cooperative, member=member, product=product, amount=amount,
            term_months=term_months, purpose=purpose, collateral=collateral.strip()[:300],
            acting_user=None)
    except BaseException:
        LoanRequest.objects.filter(pk=claim.pk, application=None).delete()
        raise
    with transaction.atomic(durable=True):
        LoanRequest.objects.filter(pk=claim.pk).update(application=application)
        _store(application, checked)
        audit_record(action="portal.loan.applied", acting_user=None, cooperative=cooperative,
                     obj=application, data={"member_id": member.pk, "amount": amount,
                                            "documents": len(checked)})
    return application


def member_loan_documents_add(
    *, cooperative: Cooperative, member: Member, application: LoanApplication,
    documents: list[DocumentUpload],
) -> list[LoanDocument]:
    """More documents for an application still waiting (the office asked for them).
    Raises NOT_FOUND (not the member's), PORTAL_LOAN_DECIDED, PORTAL_DOCUMENT_*."""
    if application.cooperative_id != cooperative.pk or application.member_id != member.pk:
        raise LumbungError("NOT_FOUND")
    with transaction.atomic(durable=True):
        application = LoanApplication.objects.select_for_update().get(pk=application.pk)
        if application.status != LoanApplication.Status.SUBMITTED:
            raise LumbungError("PORTAL_LOAN_DECIDED", status=application.get_status_display())
        already = LoanDocument.objects.filter(application=application).count()
        _store(application, documents_check(documents, already=already))
        audit_record(action="portal.loan.documents_added", acting_user=None,
                     cooperative=cooperative, obj=application,
                     data={"member_id": member.pk, "documents": len(documents)})
    return list(LoanDocument.objects.filter(application=application).order_by("pk"))


def loan_document_content(document: LoanDocument) -> bytes:
    """The file itself (lists leave it out)."""
    content = LoanDocument.objects.filter(pk=document.pk).values_list("content", flat=True)[0]
    return bytes(content)


# ---------------------------------------------------------------- reads


@dataclass(frozen=True)
class Step:
    label: Any
    date: dt.date | None
    done: bool


@dataclass(frozen=True)
class ApplicationProgress:
    """Where a member's application stands, for the member's eyes (no staff names or notes)."""

    application: LoanApplication
    # "submitted", "approved" (waiting to be paid out), "active", "paid_off", "rejected",
    # "cancelled", "written_off"
    stage: str
    approvals: int
    approvals_needed: int
    loan: Loan | None
    steps: list[Step]
    documents: list[LoanDocument]


def _stage(application: LoanApplication, loan: Loan | None) -> str:
    if application.status != LoanApplication.Status.APPROVED or loan is None:
        return str(application.status)
    if loan.status == Loan.Status.APPROVED:
        return "approved"
    return str(loan.status)


def member_applications(*, cooperative_id: int, member_id: int) -> list[ApplicationProgress]:
    """The member's applications, newest first, with their approval progress. Fixed queries."""
    applications = list(
        LoanApplication.objects.filter(cooperative_id=cooperative_id, member_id=member_id)
        .select_related("product", "loan").prefetch_related("votes", "member_documents")
        .order_by("-id")[:50])
    found = []
    for application in applications:
        loan = getattr(application, "loan", None)
        stage = _stage(application, loan)
        decided = application.decided_on
        steps = [Step(_("Diajukan"), application.applied_on, True)]
        if application.status in (LoanApplication.Status.REJECTED,
                                  LoanApplication.Status.CANCELLED):
            steps.append(Step(str(application.get_status_display()).capitalize(), decided, True))
        else:
            steps += [Step(_("Disetujui"), decided, decided is not None),
                      Step(_("Dicairkan"), loan.disbursed_on if loan else None,
                           bool(loan and loan.disbursed_on)),
                      Step(_("Lunas"), loan.closed_on if loan else None,
                           bool(loan and loan.status == Loan.Status.PAID_OFF))]
        found.append(ApplicationProgress(
            application=application, stage=stage,
            approvals=sum(1 for vote in application.votes.all() if vote.approve),
            approvals_needed=approvals_needed(application), loan=loan, steps=steps,
            documents=list(application.member_documents.all())))
    return found


def member_application(*, cooperative_id: int, member_id: int, pk: int
                       ) -> ApplicationProgress | None:
    return next((p for p in member_applications(cooperative_id=cooperative_id,
                                                member_id=member_id)
                 if p.application.pk == pk), None)


@dataclass(frozen=True)
class MemberLoan:
    loan: Loan
    # Sen: principal still owed, and the next instalment not fully paid (None when none).
    outstanding: int
    next_due: dt.date | None
    next_amount: int
    overdue: bool


def member_loans(*, cooperative: Cooperative, member_id: int) -> list[MemberLoan]:
    """The member's running loans with what is owed and the next instalment. Three queries."""
    loans = list(Loan.objects.filter(cooperative=cooperative, member_id=member_id,
                                     status=Loan.Status.ACTIVE)
                 .select_related("product").order_by("number"))
    if not loans:
        return []
    balances = loan_selectors.loan_balances(cooperative=cooperative, loans=loans)
    next_rows: dict[int, Instalment] = {}
    unpaid = (Q(principal_paid__lt=F("principal"))
              | Q(interest_paid__lt=F("interest") - F("interest_waived"))
              | Q(penalty_paid__lt=F("penalty")))
    for row in (Instalment.objects.filter(unpaid, cooperative=cooperative,
                                          loan_id__in=[x.pk for x in loans])
                .order_by("loan_id", "n")):
        if row.loan_id not in next_rows and row.unpaid > 0:
            next_rows[row.loan_id] = row
    today = cooperative.business_date
    result = []
    for loan in loans:
        following = next_rows.get(loan.pk)
        result.append(MemberLoan(
            loan=loan, outstanding=balances.get(loan.pk, (0, 0))[0],
            next_due=following.due_date if following else None,
            next_amount=following.unpaid if following else 0,
            overdue=bool(following and following.due_date < today)))
    return result


def member_products(*, cooperative: Cooperative) -> list[LoanProduct]:
    return list(loan_selectors.products(cooperative=cooperative).order_by("name"))


def product_of(cooperative: Cooperative, pk: Any) -> LoanProduct:
    """An active product of this cooperative; NOT_FOUND otherwise."""
    product = loan_selectors.products(cooperative=cooperative).filter(
        pk=int(pk) if str(pk).isdigit() else 0).first()
    if product is None:
        raise LumbungError("NOT_FOUND")
    return product
