"""Staff screens: login, choosing a cooperative, and the books of one cooperative.

Every cooperative screen gets its cooperative from tenancy.access.cooperative_access, so another
tenant's cooperative is a 404. Dinas staff only read, and each of their reads is audited.
Text is Indonesian unless the user chose English (lumbung.web.middleware picks the language).
"""

from __future__ import annotations

import csv
import uuid
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from lumbung.core.errors import LumbungError
from lumbung.core.money import sen_to_decimal_rupiah
from lumbung.core.spreadsheet import safe_cell
from lumbung.ledger.models import Account, ApprovalRequest, JournalEntry
from lumbung.ledger.selectors import (
    accounts_with_balances,
    journal_entries,
    journal_entry,
    trial_balance,
)
from lumbung.ledger.services import (
    account_create,
    approval_decide,
    manual_entry_submit,
    reversal_submit,
)
from lumbung.tenancy import throttle
from lumbung.tenancy.access import (
    APPROVER_ROLES,
    BACKDATE_ROLES,
    BOOKKEEPING_ROLES,
    CooperativeAccess,
    cooperatives_for_user,
    offices_for_user,
)
from lumbung.tenancy.models import CooperativeRole, CooperativeStaff, User
from lumbung.web.forms import AccountForm, ManualEntryForm, parse_date
from lumbung.web.presenters import approval_rows, chart_rows
from lumbung.web.screens import cooperative_screen, flash_error, refusal, render_screen

JOURNAL_PAGE_SIZE = 25


# ---------------------------------------------------------------- login, home


@sensitive_post_parameters("password")
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    """Username and password, throttled per username and per address."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.method == "GET" and request.user.is_authenticated:
        return redirect(next_url or "home")
    username, error, status = "", None, 200
    if request.method == "POST":
        username = request.POST.get("username", "").strip()[:150]
        password = request.POST.get("password", "")
        address = throttle.client_address(request)
        if throttle.login_locked(username, address):
            error, status = LumbungError("LOGIN_THROTTLED", minutes=throttle.lock_minutes()), 429
        else:
            user = authenticate(request, username=username, password=password)
            if user is None:
                throttle.login_failed(username, address)
                error, status = LumbungError("LOGIN_FAILED"), 400
                if throttle.login_locked(username, address):
                    error = LumbungError("LOGIN_THROTTLED", minutes=throttle.lock_minutes())
                    status = 429
            else:
                login(request, user)
                throttle.login_succeeded(username)
                return redirect(next_url or "home")
    return render(
        request,
        "web/login.html",
        {"username": username, "error": error, "next": next_url},
        status=status,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Choose a cooperative: the user's own, and for Dinas staff their office's jurisdiction."""
    user = request.user
    offices = offices_for_user(user)
    # Gapless numbering makes the chain head's last number the entry count, without a COUNT
    # over millions of journal rows per cooperative.
    cooperatives = list(
        cooperatives_for_user(user).annotate(entry_count=F("ledger_head__last_number"))
    )
    roles: dict[int, list[str]] = {}
    for cooperative_id, role in CooperativeStaff.objects.filter(
        user=cast(User, user), active=True
    ).values_list("cooperative_id", "role"):
        roles.setdefault(cooperative_id, []).append(str(CooperativeRole(role).label))
    own = [(c, roles[c.pk]) for c in cooperatives if c.pk in roles]
    if not offices and len(own) == 1:
        return redirect("cooperative", code=own[0][0].code)
    supervised = [
        (office, [c for c in cooperatives if c.office_id == office.pk]) for office in offices
    ]
    return render(request, "web/home.html", {"own": own, "supervised": supervised})


def cooperative_home(request: HttpRequest, code: str) -> HttpResponse:
    return redirect("journal_list", code=code)


# ---------------------------------------------------------------- chart of accounts


def _chart_page(
    request: HttpRequest,
    access: CooperativeAccess,
    form: AccountForm,
    error: LumbungError | None = None,
) -> HttpResponse:
    rows = chart_rows(accounts_with_balances(cooperative=access.cooperative))
    headings = [row.account for row in rows if row.account.is_heading]
    return render_screen(
        request,
        access,
        "web/accounts.html",
        {
            "rows": rows,
            "headings": headings,
            "form": form,
            "error": error,
            # A refused add is shown at the POST-only add URL; the language switch returns here.
            "language_next": reverse("accounts", kwargs={"code": access.cooperative.code}),
        },
        status=400 if error else 200,
    )


@cooperative_screen("accounts")
def accounts(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    return _chart_page(request, access, AccountForm())


@require_POST
@cooperative_screen(write=BOOKKEEPING_ROLES)
def account_add(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    form = AccountForm.from_post(request.POST)
    try:
        form.check()
        account = account_create(
            cooperative=access.cooperative,
            code=form.code,
            name=form.name,
            parent_code=form.parent_code,
            is_control=form.is_control,
            contra=form.contra,
            acting_user=request.user,
        )
    except LumbungError as error:
        return _chart_page(request, access, form, error)
    messages.success(
        request,
        _("Akun %(code)s %(name)s ditambahkan.") % {"code": account.code, "name": account.name},
    )
    return redirect("accounts", code=access.cooperative.code)


# ---------------------------------------------------------------- journal


@cooperative_screen("journal")
def journal_list(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    entries = journal_entries(cooperative=access.cooperative)
    error = None
    try:
        start = parse_date(request.GET.get("dari"))
        end = parse_date(request.GET.get("sampai"))
    except LumbungError as exc:
        error, start, end = exc, None, None
    if start:
        entries = entries.filter(date__gte=start)
    if end:
        entries = entries.filter(date__lte=end)
    page = Paginator(entries, JOURNAL_PAGE_SIZE).get_page(request.GET.get("hal"))
    return render_screen(
        request,
        access,
        "web/journal_list.html",
        {"page": page, "start": start, "end": end, "error": error},
    )


def _entry_or_404(access: CooperativeAccess, number: int) -> JournalEntry:
    entry = journal_entry(cooperative=access.cooperative, number=number)
    if entry is None:
        raise Http404
    return entry


@cooperative_screen("journal_entry")
def journal_detail(request: HttpRequest, access: CooperativeAccess, number: int) -> HttpResponse:
    entry = _entry_or_404(access, number)
    lines = list(entry.lines.select_related("account").order_by("line_no"))
    # A reverse one-to-one that is absent raises a DoesNotExist that is also an AttributeError.
    reversal = getattr(entry, "reversed_by", None)
    return render_screen(
        request,
        access,
        "web/journal_detail.html",
        {
            "entry": entry,
            "lines": lines,
            "total_debit": sum(line.debit for line in lines),
            "total_credit": sum(line.credit for line in lines),
            "reversal": reversal,
            "can_reverse": reversal is None and entry.reverses_id is None,
        },
    )


@require_POST
@cooperative_screen(write=BOOKKEEPING_ROLES)
def journal_reverse(request: HttpRequest, access: CooperativeAccess, number: int) -> HttpResponse:
    entry = _entry_or_404(access, number)
    try:
        reversal = reversal_submit(entry=entry, acting_user=request.user)
    except LumbungError as error:
        flash_error(request, error)
        return redirect("journal_detail", code=access.cooperative.code, number=number)
    if isinstance(reversal, ApprovalRequest):
        messages.info(
            request,
            _("Pembalikan jurnal #%(number)s melebihi batas wewenang Anda dan menunggu "
              "persetujuan.") % {"number": entry.number},
        )
        return redirect("approvals", code=access.cooperative.code)
    messages.success(
        request,
        _("Jurnal #%(number)s dibalik oleh jurnal #%(reversal)s.")
        % {"number": entry.number, "reversal": reversal.number},
    )
    return redirect("journal_detail", code=access.cooperative.code, number=reversal.number)


def _postable_accounts(access: CooperativeAccess) -> QuerySet[Account]:
    # Control accounts need a sub-ledger reference (a savings account, a loan) that only their
    # own screens supply, so the manual form leaves them out.
    return Account.objects.filter(
        cooperative=access.cooperative, is_heading=False, is_control=False, active=True
    ).order_by("code")


@cooperative_screen(write=BOOKKEEPING_ROLES)
def entry_new(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    cooperative = access.cooperative
    error = None
    if request.method != "POST":
        form = ManualEntryForm.blank(cooperative.business_date, token=uuid.uuid4().hex)
    else:
        form = ManualEntryForm.from_post(request.POST)
        if "add_row" in request.POST:
            form.add_row()
        else:
            try:
                result = manual_entry_submit(
                    cooperative=cooperative,
                    lines=form.lines(),
                    description=form.description,
                    date=form.parsed_date(),
                    allow_backdate=access.has_any(BACKDATE_ROLES),
                    # One token per opened form: a double click or a resend posts once.
                    idempotency_key=f"web:{form.token}" if form.token else None,
                    acting_user=request.user,
                )
            except LumbungError as exc:
                error = exc
            else:
                if isinstance(result, JournalEntry):
                    messages.success(
                        request, _("Jurnal #%(number)s diposting.") % {"number": result.number}
                    )
                    return redirect(
                        "journal_detail", code=cooperative.code, number=result.number
                    )
                messages.info(
                    request,
                    _(
                        "Jurnal melebihi batas wewenang Anda dan menunggu persetujuan "
                        "(permintaan #%(request)s)."
                    )
                    % {"request": result.pk},
                )
                return redirect("approvals", code=cooperative.code)
    total_debit, total_credit = form.totals()
    return render_screen(
        request,
        access,
        "web/entry_new.html",
        {
            "form": form,
            "accounts": list(_postable_accounts(access)),
            "error": error,
            "total_debit": total_debit,
            "total_credit": total_credit,
            "may_backdate": access.has_any(BACKDATE_ROLES),
        },
        status=400 if error else 200,
    )


# ---------------------------------------------------------------- approvals


@cooperative_screen("approvals")
def approvals(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    pending = list(
        ApprovalRequest.objects.filter(
            cooperative=access.cooperative, status=ApprovalRequest.Status.PENDING
        )
        .select_related("maker")
        .order_by("created_at")
    )
    codes = {
        line["account"] for request_ in pending for line in request_.payload.get("lines", [])
    }
    names = dict(
        Account.objects.filter(cooperative=access.cooperative, code__in=codes).values_list(
            "code", "name"
        )
    )
    return render_screen(
        request,
        access,
        "web/approvals.html",
        {"rows": approval_rows(pending, names), "user_id": request.user.pk},
    )


@require_POST
@cooperative_screen(write=APPROVER_ROLES)
def approval_decide_view(request: HttpRequest, access: CooperativeAccess, pk: int) -> HttpResponse:
    pending = ApprovalRequest.objects.filter(cooperative=access.cooperative, pk=pk).first()
    if pending is None:
        raise Http404
    decision = request.POST.get("decision")
    if decision not in {"approve", "reject"}:
        return refusal(request, LumbungError("BAD_INPUT", detail="keputusan tidak dikenal"),
                        status=400)
    approve = decision == "approve"
    try:
        decided = approval_decide(
            request=pending,
            approve=approve,
            reason=request.POST.get("reason", "").strip(),
            acting_user=request.user,
        )
    except LumbungError as error:
        flash_error(request, error)
        return redirect("approvals", code=access.cooperative.code)
    if decided.status == ApprovalRequest.Status.APPROVED and decided.entry is None:
        # A decision that moves no money (a loan restructuring, for one).
        messages.success(request, _("Permintaan #%(request)s disetujui dan dilaksanakan.")
                         % {"request": decided.pk})
        return redirect("approvals", code=access.cooperative.code)
    if decided.entry is not None:
        number = decided.entry.number
        text = _("Permintaan #%(request)s disetujui; jurnal #%(number)s diposting.") % {
            "request": decided.pk,
            "number": number,
        }
        messages.success(request, text)
        return redirect("journal_detail", code=access.cooperative.code, number=number)
    messages.success(request, _("Permintaan #%(request)s ditolak.") % {"request": decided.pk})
    return redirect("approvals", code=access.cooperative.code)


# ---------------------------------------------------------------- trial balance


def _as_of(request: HttpRequest, access: CooperativeAccess) -> tuple[Any, LumbungError | None]:
    try:
        return parse_date(request.GET.get("per")) or access.cooperative.business_date, None
    except LumbungError as error:
        return access.cooperative.business_date, error


@cooperative_screen("trial_balance")
def trial_balance_view(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    as_of, error = _as_of(request, access)
    balance = trial_balance(cooperative=access.cooperative, as_of=as_of)
    return render_screen(
        request,
        access,
        "web/trial_balance.html",
        {"balance": balance, "error": error, "csv_url": _csv_url(access, as_of)},
        status=400 if error else 200,
    )


def _csv_url(access: CooperativeAccess, as_of: Any) -> str:
    url = reverse("trial_balance_csv", kwargs={"code": access.cooperative.code})
    return f"{url}?per={as_of.isoformat()}"


@cooperative_screen("trial_balance_csv")
def trial_balance_csv(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    """Amounts in Rupiah with a dot before the sen (machine format); text is formula-safe.

    A UTF-8 byte-order mark first, so Excel shows Indonesian names correctly.
    """
    as_of, error = _as_of(request, access)
    if error is not None:
        return refusal(request, error, status=400)
    balance = trial_balance(cooperative=access.cooperative, as_of=as_of)
    filename = f"neraca-saldo-{access.cooperative.code}-{as_of.isoformat()}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(["kode_akun", "nama_akun", "debit", "kredit"])
    for line in balance.lines:
        writer.writerow(
            [
                safe_cell(line.account),
                safe_cell(line.name),
                sen_to_decimal_rupiah(line.debit),
                sen_to_decimal_rupiah(line.credit),
            ]
        )
    writer.writerow(
        [
            "",
            "JUMLAH",
            sen_to_decimal_rupiah(balance.total_debit),
            sen_to_decimal_rupiah(balance.total_credit),
        ]
    )
    return response
