"""Member's app screens for loans (simulation, application with documents, progress) and the
staff's view of a document a member attached.

Thin: resolve the member's session, call loan_requests, render. The loans app's own rules
decide (loan_quote, loan_application_submit).
"""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lumbung.core.errors import LumbungError
from lumbung.core.money import parse_rupiah
from lumbung.loans.services import LOAN_APPROVER_ROLES, LOAN_OFFICE_ROLES, LoanQuote, loan_quote
from lumbung.portal import loan_requests
from lumbung.portal.access import member_screen
from lumbung.portal.loan_requests import DocumentUpload
from lumbung.portal.models import LoanDocument, MemberSession
from lumbung.tenancy.access import CooperativeAccess
from lumbung.web.screens import cooperative_screen

# File inputs on the application form (the member may add more later).
DOCUMENT_FIELDS = 3


def _amount(text: str) -> int:
    try:
        return parse_rupiah(text)
    except ValueError as exc:
        raise LumbungError("BAD_AMOUNT", value=text[:30]) from exc


def _term(text: str) -> int:
    if not text.strip().isdigit():
        raise LumbungError("BAD_INPUT", detail="jangka waktu (bulan)")
    return int(text)


def _uploads(request: HttpRequest) -> list[DocumentUpload]:
    uploads = []
    for n in range(DOCUMENT_FIELDS):
        upload = request.FILES.get(f"document_{n}")
        if upload is None:
            continue
        # One byte more than allowed is enough to refuse it.
        content = upload.read(loan_requests.DOCUMENT_MAX_BYTES + 1)
        uploads.append(DocumentUpload(kind=request.POST.get(f"kind_{n}", ""),
                                      filename=upload.name or "dokumen", content=content))
    return uploads


@never_cache
@member_screen
def loans_home(request: HttpRequest, session: MemberSession) -> HttpResponse:
    """The member's running loans with the next instalment, and their applications."""
    return render(request, "portal/loans.html", {
        "session": session, "cooperative": session.cooperative,
        "loans": loan_requests.member_loans(cooperative=session.cooperative,
                                            member_id=session.member_id),
        "applications": loan_requests.member_applications(
            cooperative_id=session.cooperative_id, member_id=session.member_id),
    })


def _simulation_page(request: HttpRequest, session: MemberSession, form: dict[str, str],
                     quote: LoanQuote | None, error: LumbungError | None,
                     status: int = 200) -> HttpResponse:
    return render(request, "portal/loan_simulation.html", {
        "session": session, "cooperative": session.cooperative, "form": form, "quote": quote,
        "error": error, "products": loan_requests.member_products(cooperative=session.cooperative),
        "kinds": LoanDocument.Kind.choices, "document_fields": range(DOCUMENT_FIELDS),
        "token": form.get("token") or uuid.uuid4().hex,
        "max_mb": loan_requests.DOCUMENT_MAX_BYTES // (1024 * 1024),
    }, status=status)


def _quote(session: MemberSession, form: dict[str, str]) -> LoanQuote:
    return loan_quote(cooperative=session.cooperative,
                      product=loan_requests.product_of(session.cooperative, form.get("product")),
                      amount=_amount(form.get("amount", "")),
                      term_months=_term(form.get("term", "")))


@never_cache
@member_screen
def loan_simulation(request: HttpRequest, session: MemberSession) -> HttpResponse:
    """Choose a product, an amount and a term: instalments, fees, what is paid out. Then apply."""
    form = {key: request.GET.get(key, "") for key in ("product", "amount", "term")}
    quote, error = None, None
    if form["product"]:
        try:
            quote = _quote(session, form)
        except LumbungError as exc:
            error = exc
    return _simulation_page(request, session, form, quote, error, 400 if error else 200)


@require_POST
@member_screen
def loan_apply(request: HttpRequest, session: MemberSession) -> HttpResponse:
    """The application itself, with the documents; then its progress page."""
    form = {key: request.POST.get(key, "") for key in
            ("product", "amount", "term", "purpose", "collateral", "token")}
    quote = None
    try:
        quote = _quote(session, form)
        application = loan_requests.member_loan_apply(
            cooperative=session.cooperative, member=session.member, product=quote.product,
            amount=quote.amount, term_months=quote.term_months, purpose=form["purpose"],
            collateral=form["collateral"], documents=_uploads(request),
            client_token=form["token"][:64] or uuid.uuid4().hex)
    except LumbungError as exc:
        return _simulation_page(request, session, form, quote, exc, status=400)
    return redirect("portal:loan_application", code=session.cooperative.code, pk=application.pk)


@never_cache
@member_screen
def loan_application(request: HttpRequest, session: MemberSession, pk: int) -> HttpResponse:
    """Where the application stands; more documents while it waits."""
    progress = loan_requests.member_application(cooperative_id=session.cooperative_id,
                                                member_id=session.member_id, pk=pk)
    if progress is None:
        raise Http404
    error, status = None, 200
    if request.method == "POST":
        try:
            loan_requests.member_loan_documents_add(
                cooperative=session.cooperative, member=session.member,
                application=progress.application, documents=_uploads(request))
        except LumbungError as exc:
            error, status = exc, 400
        else:
            return redirect("portal:loan_application", code=session.cooperative.code, pk=pk)
    return render(request, "portal/loan_application.html", {
        "session": session, "cooperative": session.cooperative, "progress": progress,
        "error": error, "kinds": LoanDocument.Kind.choices,
        "document_fields": range(DOCUMENT_FIELDS),
    }, status=status)


def _document_response(document: LoanDocument) -> HttpResponse:
    response = HttpResponse(loan_requests.loan_document_content(document),
                            content_type=document.content_type)
    response["Content-Disposition"] = f'inline; filename="dokumen-{document.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    # A member's file is shown, never run: no scripts, no forms, whatever it holds.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    response["Cache-Control"] = "private, no-store"
    return response


@member_screen
def loan_document(request: HttpRequest, session: MemberSession, pk: int) -> HttpResponse:
    """A document the member attached (their own only)."""
    document = LoanDocument.objects.filter(cooperative_id=session.cooperative_id,
                                           member_id=session.member_id, pk=pk).first()
    if document is None:
        raise Http404
    return _document_response(document)


@cooperative_screen(write=LOAN_OFFICE_ROLES | LOAN_APPROVER_ROLES)
def loan_document_staff(request: HttpRequest, access: CooperativeAccess, application: int,
                        pk: int) -> HttpResponse:
    """A member's document on the approval queue: for the loan office and the approvers only
    (a KTP photo is not for the Dinas's eyes)."""
    document = LoanDocument.objects.filter(cooperative=access.cooperative,
                                           application_id=application, pk=pk).first()
    if document is None:
        raise Http404
    return _document_response(document)
