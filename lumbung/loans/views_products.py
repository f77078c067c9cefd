"""Screens of a cooperative's loan products and its own BMPP: everyone on the staff (and the
Dinas, read-only) sees the settings; only a manager changes them (loans/products.py)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lumbung.core.errors import LumbungError
from lumbung.core.money import format_rupiah
from lumbung.loans import selectors
from lumbung.loans.models import (
    EARLY_PAYOFF_CHOICES,
    METHOD_CHOICES,
    PENALTY_PERIOD_CHOICES,
    LoanProduct,
)
from lumbung.loans.products import (
    ROUNDING_UNITS,
    lending_limit_save,
    loan_product_copy,
    loan_product_update,
)
from lumbung.tenancy.access import CooperativeAccess
from lumbung.tenancy.models import CooperativeRole
from lumbung.web.forms import parse_amount
from lumbung.web.screens import cooperative_screen, flash_error, render_screen

PRODUCT_ROLES = frozenset({CooperativeRole.MANAGER})
ALLOCATION_LABELS = {"penalty": gettext_lazy("denda"),
                     "interest": gettext_lazy("bunga / margin"),
                     "principal": gettext_lazy("pokok")}
RUPIAH_FIELDS = ("min_amount", "max_amount", "admin_fee", "committee_threshold")
MONTH_FIELDS = ("min_term", "max_term", "grace_months")
PERCENT_FIELDS = ("annual_rate", "provision_rate", "admin_rate", "insurance_rate",
                  "penalty_rate", "penalty_cap_rate")
CHOICE_FIELDS = ("method", "penalty_period", "early_payoff_rule")


def _product_or_404(access: CooperativeAccess, pk: int) -> LoanProduct:
    product = LoanProduct.objects.filter(cooperative=access.cooperative, pk=pk).first()
    if product is None:
        raise Http404
    return product


def _rounding_label(unit: int) -> str:
    return _("tanpa pembulatan (per sen)") if unit == 1 else format_rupiah(unit, decimals=False)


@cooperative_screen("loan_products")
def product_list(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    """The cooperative's loan products with their main terms, and the BMPP that applies."""
    cooperative = access.cooperative
    return render_screen(request, access, "loans/products.html", {
        "rows": [{"p": product, "allocation": " → ".join(
                     str(ALLOCATION_LABELS.get(part, part)) for part in product.allocation),
                  "rounding": _rounding_label(product.rounding_unit)}
                 for product in selectors.products(cooperative=cooperative, active_only=False)
                 .order_by("-active", "code")],
        "limits": selectors.lending_limit_percents(cooperative=cooperative),
        "own_capital": selectors.own_capital(cooperative=cooperative),
        "may_edit": access.has_any(PRODUCT_ROLES),
    })


def _changes(post: QueryDict) -> dict[str, Any]:
    """What the edit form says, as the service's values (sen, Decimal percent, int)."""
    changes: dict[str, Any] = {"name": post.get("name", ""), "active": post.get("active") == "1"}
    for field in RUPIAH_FIELDS:
        changes[field] = parse_amount(post.get(field, ""))
    for field in MONTH_FIELDS:
        text = post.get(field, "").strip() or "0"
        if not text.isdigit():
            raise LumbungError("LOAN_PRODUCT_TERMS", maximum=360)
        changes[field] = int(text)
    for field in PERCENT_FIELDS:
        changes[field] = post.get(field, "").strip()
    if not changes["penalty_cap_rate"]:
        changes["penalty_cap_rate"] = None
    for field in CHOICE_FIELDS:
        changes[field] = post.get(field, "")
    changes["allocation_order"] = ",".join(post.get(f"allocation_{i}", "") for i in (1, 2, 3))
    unit = post.get("rounding_unit", "")
    changes["rounding_unit"] = int(unit) if unit.isdigit() else -1
    return changes


@cooperative_screen(write=PRODUCT_ROLES)
def product_edit(request: HttpRequest, access: CooperativeAccess, pk: int) -> HttpResponse:
    product = _product_or_404(access, pk)
    status = 200
    if request.method == "POST":
        try:
            loan_product_update(cooperative=access.cooperative, product=product,
                                acting_user=request.user, **_changes(request.POST))
        except LumbungError as error:
            flash_error(request, error)
            status = 400
        else:
            messages.success(request, _("Produk %(name)s disimpan; berlaku untuk pinjaman yang "
                                        "disetujui mulai sekarang.") % {"name": product.name})
            return redirect("loan_products", access.cooperative.code)
    return render_screen(request, access, "loans/product_edit.html", {
        "product": product,
        "methods": METHOD_CHOICES,
        "periods": PENALTY_PERIOD_CHOICES,
        "payoff_rules": EARLY_PAYOFF_CHOICES,
        "roundings": [(unit, _rounding_label(unit)) for unit in ROUNDING_UNITS],
        "allocation": list(enumerate(product.allocation, start=1)),
        "parts": list(ALLOCATION_LABELS.items()),
        "running": product.loans.filter(status="active").count(),
    }, status=status)


@require_POST
@cooperative_screen(write=PRODUCT_ROLES)
def product_copy(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    source = request.POST.get("source", "")
    product = _product_or_404(access, int(source) if source.isdigit() else 0)
    try:
        created = loan_product_copy(cooperative=access.cooperative, product=product,
                                    code=request.POST.get("code", ""),
                                    name=request.POST.get("name", ""), acting_user=request.user)
    except LumbungError as error:
        flash_error(request, error)
        return redirect("loan_products", access.cooperative.code)
    messages.success(request, _("Produk %(name)s dibuat dari %(source)s (belum aktif); atur lalu "
                                "aktifkan.") % {"name": created.name, "source": product.name})
    return redirect("loan_product_edit", access.cooperative.code, created.pk)


def _percent(text: str | None) -> Decimal:
    try:
        return Decimal((text or "").strip().replace(",", "."))
    except InvalidOperation:
        return Decimal("NaN")


@require_POST
@cooperative_screen(write=PRODUCT_ROLES)
def lending_limit(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    try:
        lending_limit_save(cooperative=access.cooperative,
                           related_party_percent=_percent(request.POST.get("related_party")),
                           other_percent=_percent(request.POST.get("other")),
                           acting_user=request.user)
    except LumbungError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("BMPP koperasi disimpan; berlaku untuk pengajuan berikutnya."))
    return redirect("loan_products", access.cooperative.code)
