"""A manager's settings of loan products and of the cooperative's own BMPP.

Products start from loans/rules/products.yaml (services.loan_products_install); a manager then
sets each one for the cooperative: rates, fees, penalty, payment allocation order, instalment
rounding, early payoff rule, limits, committee threshold. A change applies to applications
decided after it: a loan keeps the terms of its contract (Loan.take_terms at approval).
Every change is audited with the values before and after.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lumbung.audit.services import audit_record
from lumbung.core.errors import LumbungError
from lumbung.core.money import format_rupiah
from lumbung.loans import selectors
from lumbung.loans.calculations import EarlyPayoffRule, Method, PenaltyPeriod
from lumbung.loans.models import (
    Contract,
    LendingLimitPolicy,
    LoanProduct,
)
from lumbung.tenancy.models import Cooperative

# Parts a payment settles, in the order the product names them.
ALLOCATION_PARTS = frozenset({"penalty", "interest", "principal"})
# Instalment rounding a product may choose (sen): none, Rp1, Rp100, Rp500, Rp1.000.
ROUNDING_UNITS = (1, 100, 100_00, 500_00, 1_000_00)
MAX_TERM_MONTHS = 360
HUNDRED = Decimal(100)
EDITABLE_FIELDS = (
    "name", "method", "annual_rate", "min_amount", "max_amount", "min_term", "max_term",
    "grace_months", "provision_rate", "admin_rate", "admin_fee", "insurance_rate",
    "penalty_rate", "penalty_period", "penalty_cap_rate", "allocation_order", "rounding_unit",
    "early_payoff_rule", "committee_threshold", "active",
)
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")


def _label(field: str, model: Any = LoanProduct) -> str:
    return str(getattr(model._meta.get_field(field), "verbose_name", field))


def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise LumbungError("LOAN_PRODUCT_RATE_RANGE", field=_label(field), minimum=0,
                           maximum=100)
    return number


def _check(product: LoanProduct) -> None:
    """Refuse settings no loan could run on (the product's new values, not yet saved)."""
    if not product.name.strip() or len(product.name) > 120:
        raise LumbungError("LOAN_PRODUCT_NAME")
    for field, choices in (("method", Method), ("penalty_period", PenaltyPeriod),
                           ("early_payoff_rule", EarlyPayoffRule)):
        if getattr(product, field) not in set(choices):
            raise LumbungError("LOAN_PRODUCT_CHOICE", field=_label(field),
                               value=getattr(product, field))
    for field, maximum in (("annual_rate", 100), ("provision_rate", 100), ("admin_rate", 100),
                           ("insurance_rate", 100), ("penalty_rate", 100),
                           ("penalty_cap_rate", 1000)):
        value = getattr(product, field)
        if value is not None and not 0 <= value <= maximum:
            raise LumbungError("LOAN_PRODUCT_RATE_RANGE", field=_label(field), minimum=0,
                               maximum=maximum)
    if product.contract == Contract.QARDH and product.annual_rate != 0:
        raise LumbungError("LOAN_PRODUCT_QARDH_RATE")
    amounts = (product.min_amount, product.max_amount, product.admin_fee,
               product.committee_threshold)
    if any(not isinstance(x, int) or isinstance(x, bool) for x in amounts) or not (
        0 < product.min_amount <= product.max_amount and product.admin_fee >= 0
        and product.committee_threshold >= 0
    ):
        raise LumbungError("LOAN_PRODUCT_AMOUNTS")
    if not (0 < product.min_term <= product.max_term <= MAX_TERM_MONTHS
            and 0 <= product.grace_months < product.min_term):
        raise LumbungError("LOAN_PRODUCT_TERMS", maximum=MAX_TERM_MONTHS)
    if product.provision_rate + product.admin_rate + product.insurance_rate >= HUNDRED:
        raise LumbungError("LOAN_PRODUCT_FEES")
    parts = product.allocation
    if len(parts) != len(ALLOCATION_PARTS) or set(parts) != ALLOCATION_PARTS:
        raise LumbungError("LOAN_PRODUCT_ALLOCATION")
    if product.rounding_unit not in ROUNDING_UNITS:
        raise LumbungError("LOAN_PRODUCT_ROUNDING",
                           choices=", ".join(format_rupiah(u) for u in ROUNDING_UNITS))


def _normalised(changes: dict[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise LumbungError("BAD_INPUT", detail=_("kolom tidak dikenal: %(fields)s")
                           % {"fields": ", ".join(sorted(unknown))})
    values = dict(changes)
    for field in ("annual_rate", "provision_rate", "admin_rate", "insurance_rate",
                  "penalty_rate"):
        if field in values:
            values[field] = _decimal(values[field], field)
    if "penalty_cap_rate" in values and values["penalty_cap_rate"] not in (None, ""):
        values["penalty_cap_rate"] = _decimal(values["penalty_cap_rate"], "penalty_cap_rate")
    elif "penalty_cap_rate" in values:
        values["penalty_cap_rate"] = None
    if "allocation_order" in values:
        order = values["allocation_order"]
        if not isinstance(order, str):
            order = ",".join(order)
        values["allocation_order"] = ",".join(part.strip() for part in order.split(","))
    if "name" in values:
        values["name"] = str(values["name"]).strip()
    return values


def loan_product_update(*, cooperative: Cooperative, product: LoanProduct, acting_user: Any,
                        **changes: Any) -> LoanProduct:
    """Change a product's settings (EDITABLE_FIELDS; the contract and code never change). Amounts
    in sen, rates Decimal percent. Applies to applications decided from now on; running loans
    keep their contract's terms. Audited (loans.product.updated) with the values before and
    after. Raises NOT_FOUND (another cooperative's product), LOAN_PRODUCT_* and BAD_INPUT;
    nothing is written when refused. Locks the product row."""
    if product.cooperative_id != cooperative.pk:
        raise LumbungError("NOT_FOUND")
    values = _normalised(changes)
    with transaction.atomic(durable=True):
        product = LoanProduct.objects.select_for_update().get(pk=product.pk)
        before = {field: getattr(product, field) for field in values}
        for field, value in values.items():
            setattr(product, field, value)
        _check(product)
        changed = [field for field in values if before[field] != getattr(product, field)]
        if not changed:
            return product
        product.save(update_fields=changed)
        audit_record(
            action="loans.product.updated", acting_user=acting_user, cooperative=cooperative,
            obj=product,
            data={"code": product.code,
                  "before": {f: _plain(before[f]) for f in changed},
                  "after": {f: _plain(getattr(product, f)) for f in changed}},
        )
    return product


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def loan_product_copy(*, cooperative: Cooperative, product: LoanProduct, code: str, name: str,
                      acting_user: Any) -> LoanProduct:
    """A new product of the cooperative with the settings of `product` under a new code and
    name (then set on the edit screen); inactive until the manager turns it on. Audited
    (loans.product.created). Raises NOT_FOUND, LOAN_PRODUCT_CODE, LOAN_PRODUCT_NAME."""
    if product.cooperative_id != cooperative.pk:
        raise LumbungError("NOT_FOUND")
    code, name = code.strip().lower(), name.strip()
    if not CODE_PATTERN.match(code):
        raise LumbungError("LOAN_PRODUCT_CODE", code=code)
    if not name or len(name) > 120:
        raise LumbungError("LOAN_PRODUCT_NAME")
    fields = {f.name: getattr(product, f.name) for f in LoanProduct._meta.concrete_fields
              if f.name not in {"id", "code", "name", "active", "rules_version"}}
    try:
        with transaction.atomic(durable=True):
            if LoanProduct.objects.filter(cooperative=cooperative, code=code).exists():
                raise LumbungError("LOAN_PRODUCT_CODE", code=code)
            created = LoanProduct.objects.create(
                **fields, code=code, name=name, active=False,
                rules_version=f"salinan {product.code}"[:40])
            audit_record(action="loans.product.created", acting_user=acting_user,
                         cooperative=cooperative, obj=created,
                         data={"code": code, "copied_from": product.code})
    except IntegrityError:
        raise LumbungError("LOAN_PRODUCT_CODE", code=code) from None
    return created


def lending_limit_save(*, cooperative: Cooperative, related_party_percent: Decimal,
                       other_percent: Decimal, acting_user: Any) -> LendingLimitPolicy:
    """Set the cooperative's own BMPP (percent of modal sendiri per borrower): at most the
    rule's (loans/rules/lending_limit.yaml), above zero. Applies to applications submitted or
    decided from now on. Audited (loans.lending_limit.changed). Raises
    LOAN_LENDING_LIMIT_ABOVE_RULE, LOAN_PRODUCT_RATE_RANGE."""
    current = selectors.lending_limit_percents(cooperative=cooperative)
    checks = (("related_party_percent", related_party_percent, current.rule_related_party,
               _("pihak terkait (pengurus, pengawas, karyawan)")),
              ("other_percent", other_percent, current.rule_other, _("anggota lain")))
    for field, value, maximum, who in checks:
        if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
            raise LumbungError("LOAN_PRODUCT_RATE_RANGE",
                               field=_label(field, LendingLimitPolicy),
                               minimum="0,01", maximum=maximum)
        if value > maximum:
            raise LumbungError("LOAN_LENDING_LIMIT_ABOVE_RULE", who=who, maximum=maximum,
                               source=current.source)
    with transaction.atomic(durable=True):
        policy, _created = LendingLimitPolicy.objects.update_or_create(
            cooperative=cooperative,
            defaults={"related_party_percent": related_party_percent,
                      "other_percent": other_percent, "updated_by": acting_user},
        )
        audit_record(action="loans.lending_limit.changed", acting_user=acting_user,
                     cooperative=cooperative, obj=policy,
                     data={"before": [str(current.related_party), str(current.other)],
                           "after": [str(related_party_percent), str(other_percent)]})
    return policy
