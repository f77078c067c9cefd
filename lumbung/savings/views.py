"""Screens: members (Anggota) and savings (Simpanan), passbook (screen, PDF, XLSX), products.

Thin: parse, fetch through the cooperative (another's is a 404), call one service, render.
NIK and phone are masked; a teller, manager or accountant may reveal them, which is audited.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from lumbung.audit.services import audit_record
from lumbung.core.documents import pdf_from_template, qr_svg
from lumbung.core.errors import LumbungError
from lumbung.core.money import format_rupiah
from lumbung.core.spreadsheet import RUPIAH_FORMAT, rupiah_cell, safe_cell, xlsx_bytes
from lumbung.members.calculations import mask_nik, mask_phone
from lumbung.members.models import Member
from lumbung.members.photos import PHOTO_MAX_BYTES, photo_data_uri
from lumbung.members.services import member_ktp_photo_set, member_register
from lumbung.savings import selectors
from lumbung.savings.access import COUNTER_ROLES, PRODUCT_ROLES, REVEAL_ROLES
from lumbung.savings.bonus import (
    BonusPlan,
    grants,
    wadiah_bonus_grant,
    wadiah_bonus_plan,
)
from lumbung.savings.exit import member_exit
from lumbung.savings.models import InterestMethod, Kind, Payout, SavingsAccount, SavingsProduct
from lumbung.savings.services import (
    counterpart_by_purpose,
    kinds_for,
    member_admit,
    savings_account_open,
    savings_product_update,
    wajib_arrears,
)
from lumbung.tenancy.access import CooperativeAccess
from lumbung.web.forms import parse_amount, parse_date
from lumbung.web.screens import (
    PDF,
    XLSX,
    cooperative_screen,
    file_response,
    flash_error,
    render_screen,
)

PAGE = 50
MEMBER_FIELDS = ("nik", "name", "birth_date", "gender", "street_address", "kelurahan",
                 "kecamatan", "city", "phone", "occupation", "heir_name", "heir_relation")


def _member(access: CooperativeAccess, pk: int) -> Member:
    member = Member.objects.filter(cooperative=access.cooperative, pk=pk).first()
    if member is None:
        raise Http404
    return member


def _account(access: CooperativeAccess, number: str) -> SavingsAccount:
    account = selectors.savings_account_by_number(cooperative=access.cooperative, number=number)
    if account is None:
        raise Http404
    return account


@cooperative_screen("members")
def members(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    query = request.GET.get("q", "")
    page = Paginator(selectors.members_search(cooperative=access.cooperative, query=query),
                     PAGE).get_page(request.GET.get("hal"))
    rows = [(m, mask_nik(m.nik)) for m in page]
    return render_screen(request, access, "savings/members.html", {
        "page": page, "rows": rows, "query": query,
        "can_register": access.has_any(COUNTER_ROLES)})


@cooperative_screen(write=COUNTER_ROLES)
def member_new(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    values = {key: request.POST.get(key, "").strip() for key in MEMBER_FIELDS}
    if request.method == "POST":
        try:
            birth_date = parse_date(values["birth_date"])
            if birth_date is None:
                raise LumbungError("BAD_INPUT", detail=_("tanggal lahir wajib diisi"))
            details = {k: v for k, v in values.items()
                       if k not in ("nik", "name", "birth_date", "gender")}
            member = member_register(
                cooperative=access.cooperative, nik=values["nik"], name=values["name"],
                birth_date=birth_date, gender=values["gender"], acting_user=request.user,
                ktp_photo=_uploaded_photo(request), **details)
        except LumbungError as error:
            flash_error(request, error)
        else:
            messages.success(request, _("Calon anggota %(name)s terdaftar.") % {
                "name": member.name})
            return redirect("member_detail", access.cooperative.code, member.pk)
    return render_screen(request, access, "savings/member_new.html", {"values": values},
                         status=400 if request.method == "POST" else 200)


def _uploaded_photo(request: HttpRequest) -> bytes | None:
    """The KTP photo sent with the form, if any. Raises MEMBER_KTP_TOO_LARGE unread."""
    upload = request.FILES.get("ktp_photo")
    if upload is None or not upload.size:
        return None
    if upload.size > PHOTO_MAX_BYTES:
        raise LumbungError("MEMBER_KTP_TOO_LARGE", limit="5 MB")
    return upload.read()


def _member_page(request: HttpRequest, access: CooperativeAccess, member: Member,
                 revealed: bool = False, photo: str = "") -> HttpResponse:
    accounts = selectors.member_accounts(cooperative=access.cooperative, member=member)
    arrears = wajib_arrears([a for a in accounts if a.product.kind == Kind.MANDATORY])
    cooperative = access.cooperative
    openable = (SavingsProduct.objects.filter(cooperative=cooperative, active=True,
                                              kind__in=kinds_for(cooperative))
                .exclude(kind__in=[Kind.PRINCIPAL, Kind.MANDATORY]).order_by("kind"))
    return render_screen(request, access, "savings/member_detail.html", {
        "member": member, "accounts": accounts, "arrears": sum(arrears.values()),
        "nik": member.nik if revealed else mask_nik(member.nik),
        "phone": member.phone if revealed else mask_phone(member.phone),
        "revealed": revealed, "openable": openable, "photo": photo,
        "can_count": access.has_any(COUNTER_ROLES), "can_reveal": access.has_any(REVEAL_ROLES),
        "can_exit": access.has_any(PRODUCT_ROLES),
    })


@cooperative_screen("member")
def member_detail(request: HttpRequest, access: CooperativeAccess, pk: int) -> HttpResponse:
    return _member_page(request, access, _member(access, pk))


@never_cache
@require_POST
@cooperative_screen(write=REVEAL_ROLES)
def member_reveal(request: HttpRequest, access: CooperativeAccess, pk: int) -> HttpResponse:
    """Show the full NIK and phone once; every reveal is an audit row (UU 27/2022)."""
    member = _member(access, pk)
    audit_record(action="members.personal_data.revealed", acting_user=request.user,
                 cooperative=access.cooperative, obj=member,
                 data={"fields": ["nik", "phone"], "nik": mask_nik(member.nik)})
    return _member_page(request, access, member, revealed=True)


@never_cache
@require_POST
@cooperative_screen(write=REVEAL_ROLES)
def member_ktp_photo(request: HttpRequest, access: CooperativeAccess, pk: int) -> HttpResponse:
    """Show the KTP photo once, inline (no address to it exists); every view is audited."""
    member = _member(access, pk)
    if not member.ktp_photo:
        raise Http404
    audit_record(action="members.ktp_photo.viewed", acting_user=request.user,
                 cooperative=access.cooperative, obj=member,
                 data={"fields": ["ktp_photo"], "nik": mask_nik(member.nik)})
    return _member_page(request, access, member, photo=photo_data_uri(member.ktp_photo))


@require_POST
@cooperative_screen(write=COUNTER_ROLES)
def member_ktp_photo_upload(request: HttpRequest, access: CooperativeAccess, pk: int
                            ) -> HttpResponse:
    member = _member(access, pk)
    try:
        photo = _uploaded_photo(request)
        if photo is None:
            raise LumbungError("MEMBER_KTP_NOT_IMAGE")
        member_ktp_photo_set(cooperative=access.cooperative, member=member, ktp_photo=photo,
                             acting_user=request.user)
    except LumbungError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("Foto KTP disimpan."))
    return redirect("member_detail", access.cooperative.code, member.pk)


@require_POST
@cooperative_screen(write=COUNTER_ROLES)
def member_admit_view(request: HttpRequest, access: CooperativeAccess, pk: int
                      ) -> HttpResponse:
    member = _member(access, pk)
    try:
        admission = member_admit(
            cooperative=access.cooperative, member=member,
            counterpart=counterpart_by_purpose(access.cooperative, "cash"),
            acting_user=request.user,
            idempotency_key=f"savings:admit:{member.pk}:{request.POST.get('token', '')}")
    except LumbungError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("%(name)s kini anggota No. %(number)s (jurnal #%(entry)s).")
                         % {"name": member.name, "number": admission.member.number,
                            "entry": admission.entry.number})
    return redirect("member_detail", access.cooperative.code, member.pk)


@require_POST
@cooperative_screen(write=COUNTER_ROLES)
def account_open_view(request: HttpRequest, access: CooperativeAccess, pk: int
                      ) -> HttpResponse:
    member = _member(access, pk)
    product = SavingsProduct.objects.filter(cooperative=access.cooperative,
                                            pk=request.POST.get("product") or 0).first()
    try:
        if product is None:
            raise LumbungError("BAD_INPUT", detail=_("pilih produk"))
        term = request.POST.get("term_months", "").strip()
        account = savings_account_open(
            cooperative=access.cooperative, member=member, product=product,
            term_months=int(term) if term.isdigit() else None,
            rollover=request.POST.get("rollover") == "1", acting_user=request.user)
    except LumbungError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("Rekening %(number)s dibuka.") % {"number": account.number})
    return redirect("member_detail", access.cooperative.code, member.pk)


@require_POST
@cooperative_screen(write=PRODUCT_ROLES)
def member_exit_view(request: HttpRequest, access: CooperativeAccess, pk: int) -> HttpResponse:
    member = _member(access, pk)
    try:
        settled = member_exit(
            cooperative=access.cooperative, member=member,
            counterpart=counterpart_by_purpose(access.cooperative, "cash"),
            acting_user=request.user, idempotency_key=f"savings:exit:{member.pk}")
    except LumbungError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("%(name)s keluar; dibayarkan %(amount)s.") % {
            "name": member.name, "amount": format_rupiah(settled.paid_out)})
    return redirect("member_detail", access.cooperative.code, member.pk)


@cooperative_screen("savings_accounts")
def accounts(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    rows = (SavingsAccount.objects.filter(cooperative=access.cooperative)
            .select_related("product", "member").order_by("number"))
    if query:
        rows = rows.filter(number__icontains=query) | rows.filter(member__name__icontains=query)
    page = Paginator(rows, PAGE).get_page(request.GET.get("hal"))
    return render_screen(request, access, "savings/accounts.html", {
        "page": page, "accounts": selectors.with_balances(list(page)), "query": query})


def _statement(request: HttpRequest, access: CooperativeAccess, number: str
               ) -> selectors.Statement:
    account = _account(access, number)
    date_to = parse_date(request.GET.get("sampai")) or access.cooperative.business_date
    date_from = parse_date(request.GET.get("dari")) or date_to.replace(day=1)
    if date_from > date_to:
        raise LumbungError("BAD_INPUT", detail=_("tanggal awal setelah tanggal akhir"))
    return selectors.account_statement(account=account, date_from=date_from, date_to=date_to)


@cooperative_screen("savings_passbook")
def passbook(request: HttpRequest, access: CooperativeAccess, number: str) -> HttpResponse:
    error = None
    try:
        statement = _statement(request, access, number)
    except LumbungError as refused:
        error = refused
        today = access.cooperative.business_date
        statement = selectors.account_statement(account=_account(access, number),
                                                date_from=today.replace(day=1), date_to=today)
    query = f"?dari={statement.date_from:%Y-%m-%d}&sampai={statement.date_to:%Y-%m-%d}"
    return render_screen(request, access, "savings/passbook.html", {
        "statement": statement, "account": statement.account, "error": error, "query": query,
        "nik": mask_nik(statement.account.member.nik)}, status=400 if error else 200)


@cooperative_screen("savings_passbook_pdf")
def passbook_pdf(request: HttpRequest, access: CooperativeAccess, number: str) -> HttpResponse:
    statement = _statement(request, access, number)
    account = statement.account
    verify = request.build_absolute_uri(f"/k/{access.cooperative.code}/simpanan/{number}/")
    pdf = pdf_from_template("savings/passbook_pdf.html", {
        "cooperative": access.cooperative, "statement": statement, "account": account,
        "nik": mask_nik(account.member.nik), "qr": qr_svg(verify, scale=2),
        "printed_by": request.user, "printed_on": dt.date.today()})
    return file_response(pdf, filename=f"buku-simpanan-{number}.pdf", content_type=PDF,
                         inline=True)


@cooperative_screen("savings_passbook_xlsx")
def passbook_xlsx(request: HttpRequest, access: CooperativeAccess, number: str) -> HttpResponse:
    statement = _statement(request, access, number)
    account = statement.account
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = "Mutasi"
    sheet.append([safe_cell(access.cooperative.name)])
    sheet.append([f"Rekening {account.number} - {account.product.name}",
                  safe_cell(account.member.name)])
    sheet.append([f"Periode {statement.date_from:%d-%m-%Y} s.d. {statement.date_to:%d-%m-%Y}"])
    sheet.append(["Tanggal", "No. jurnal", "Keterangan", "Debit (Rp)", "Kredit (Rp)",
                  "Saldo (Rp)"])
    sheet.append([None, None, "Saldo awal", None, None, rupiah_cell(statement.opening)])
    for row in statement.rows:
        sheet.append([row.date, row.entry_number, safe_cell(row.memo or row.description),
                      rupiah_cell(row.debit), rupiah_cell(row.credit), rupiah_cell(row.balance)])
    sheet.append([None, None, "Saldo akhir", rupiah_cell(statement.total_debit),
                  rupiah_cell(statement.total_credit), rupiah_cell(statement.closing)])
    for cells in sheet.iter_rows(min_row=5, min_col=4, max_col=6):
        for cell in cells:
            cell.number_format = RUPIAH_FORMAT
    for cell in sheet["A"][4:]:
        cell.number_format = "DD-MM-YYYY"
    sheet.column_dimensions["C"].width = 40
    for column in "DEF":
        sheet.column_dimensions[column].width = 18
    return file_response(xlsx_bytes(book), filename=f"mutasi-{number}.xlsx", content_type=XLSX)


@cooperative_screen("savings_products")
def products(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    return render_screen(request, access, "savings/products.html", {
        "products": selectors.products(cooperative=access.cooperative),
        "can_edit": access.has_any(PRODUCT_ROLES)})


def _product_changes(post: Any, product: SavingsProduct) -> dict[str, Any]:
    changes: dict[str, Any] = {"name": post.get("name", "").strip() or product.name,
                               "active": post.get("active") == "1"}
    for key in ("fixed_amount", "minimum_balance", "minimum_opening"):
        changes[key] = parse_amount(post.get(key, ""))
    for key in ("dormant_after_months", "term_months"):
        text = post.get(key, "0").strip() or "0"
        if not text.isdigit():
            raise LumbungError("BAD_INPUT", detail=f"{key}: {text}")
        changes[key] = int(text)
    for key in ("interest_rate", "nisbah", "penalty_rate"):
        text = post.get(key, "0").strip().replace(",", ".") or "0"
        try:
            changes[key] = Decimal(text)
        except InvalidOperation as exc:
            raise LumbungError("BAD_INPUT", detail=f"{key}: {text}") from exc
    if product.kind == Kind.WADIAH:
        changes.pop("interest_rate")
    changes["interest_method"] = post.get("interest_method", product.interest_method)
    changes["interest_payout"] = post.get("interest_payout", product.interest_payout)
    changes["charge_on_admission"] = post.get("charge_on_admission") == "1"
    return changes


@cooperative_screen(write=PRODUCT_ROLES)
def product_edit(request: HttpRequest, access: CooperativeAccess, pk: int) -> HttpResponse:
    product = SavingsProduct.objects.filter(cooperative=access.cooperative, pk=pk).first()
    if product is None:
        raise Http404
    status = 200
    if request.method == "POST":
        try:
            savings_product_update(cooperative=access.cooperative, product=product,
                                   acting_user=request.user,
                                   **_product_changes(request.POST, product))
        except LumbungError as error:
            flash_error(request, error)
            status = 400
        else:
            messages.success(request, _("Produk %(name)s disimpan.") % {"name": product.name})
            return redirect("savings_products", access.cooperative.code)
    return render_screen(request, access, "savings/product_edit.html", {
        "product": product, "methods": InterestMethod.choices, "payouts": Payout.choices,
        "Kind": {k.name: k.value for k in Kind}}, status=status)


# ---------------------------------------------------------------- wadiah bonus

BONUS_PREVIEW_ROWS = 100


def _bonus_inputs(access: CooperativeAccess, data: Any
                  ) -> tuple[SavingsProduct | None, dt.date, int]:
    """Product, month and pool from the form (GET preview or POST grant)."""
    product = SavingsProduct.objects.filter(cooperative=access.cooperative, kind=Kind.WADIAH,
                                            pk=data.get("product") or 0).first()
    text = (data.get("bulan") or "").strip()
    today = access.cooperative.business_date
    try:
        month = dt.date.fromisoformat(f"{text}-01") if text else today.replace(day=1)
    except ValueError as exc:
        raise LumbungError("BAD_DATE", value=text) from exc
    return product, month, parse_amount(data.get("jumlah", ""))


@cooperative_screen("savings_wadiah_bonus")
def wadiah_bonus(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    """Preview a month's wadiah bonus pool split over the savers; the manager grants it."""
    products = list(SavingsProduct.objects.filter(cooperative=access.cooperative,
                                                  kind=Kind.WADIAH).order_by("pk"))
    plan: BonusPlan | None = None
    error = None
    month = access.cooperative.business_date.replace(day=1)
    product = products[0] if products else None
    total = 0
    if "jumlah" in request.GET:
        try:
            chosen, month, total = _bonus_inputs(access, request.GET)
            product = chosen or product
            if product is None:
                raise LumbungError("SAVINGS_BONUS_PRODUCT", product="-")
            plan = wadiah_bonus_plan(cooperative=access.cooperative, product=product,
                                     month=month, total=total)
        except LumbungError as refused:
            error = refused
    return render_screen(request, access, "savings/wadiah_bonus.html", {
        "products": products, "product": product, "month": month, "total": total,
        "plan": plan, "error": error,
        "rows": plan.lines[:BONUS_PREVIEW_ROWS] if plan else [],
        "more": max(len(plan.lines) - BONUS_PREVIEW_ROWS, 0) if plan else 0,
        "grants": grants(cooperative=access.cooperative),
        "can_grant": access.has_any(PRODUCT_ROLES),
    }, status=400 if error else 200)


@require_POST
@cooperative_screen(write=PRODUCT_ROLES)
def wadiah_bonus_grant_view(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    try:
        product, month, total = _bonus_inputs(access, request.POST)
        if product is None:
            raise Http404
        plan = wadiah_bonus_grant(cooperative=access.cooperative, product=product, month=month,
                                  total=total, acting_user=request.user)
    except LumbungError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("Bonus %(product)s %(month)s diberikan: %(total)s kepada "
                                    "%(count)s rekening, pajak dipotong %(tax)s.") % {
            "product": plan.product.name, "month": date_format(plan.month, "F Y"),
            "total": format_rupiah(plan.total), "count": len(plan.lines),
            "tax": format_rupiah(plan.tax)})
    return redirect("savings_wadiah_bonus", access.cooperative.code)
