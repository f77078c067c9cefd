"""Registering offices, cooperatives and staff."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from lumbung.audit.services import audit_record
from lumbung.core.money import SEN_PER_RUPIAH
from lumbung.tenancy.models import (
    Cooperative,
    CooperativeStaff,
    OfficeStaff,
    RoleLimit,
    SupervisorOffice,
    User,
)

RULES_DIR = Path(__file__).parent / "rules"


@cache
def default_role_limits() -> dict[str, Any]:
    with open(RULES_DIR / "role_limits.yaml", encoding="utf-8") as handle:
        limits: dict[str, Any] = yaml.safe_load(handle)
    return limits


def office_register(
    *, code: str, name: str, jurisdiction: str, province: str, address: str = "",
    acting_user: Any,
) -> SupervisorOffice:
    with transaction.atomic(durable=True):
        office = SupervisorOffice.objects.create(
            code=code, name=name, jurisdiction=jurisdiction, province=province, address=address
        )
        audit_record(action="tenancy.office.registered", acting_user=acting_user, office=office,
                     obj=office, data={"code": code})
    return office


def cooperative_register(
    *, office: SupervisorOffice, code: str, name: str, kind: str, business_date: dt.date,
    acting_user: Any, **details: Any,
) -> Cooperative:
    """Register a cooperative with its chart of accounts (from its kind's template), default
    savings and loan products and limits."""
    from lumbung.ledger.services import chart_of_accounts_create
    from lumbung.loans.services import loan_products_install
    from lumbung.savings.services import savings_products_install

    with transaction.atomic(durable=True):
        cooperative = Cooperative.objects.create(
            office=office, code=code, name=name, kind=kind, business_date=business_date,
            city=details.pop("city", office.jurisdiction),
            province=details.pop("province", office.province),
            **details,
        )
        chart_of_accounts_create(cooperative=cooperative, acting_user=acting_user)
        savings_products_install(cooperative=cooperative, acting_user=acting_user)
        loan_products_install(cooperative=cooperative, acting_user=acting_user)
        RoleLimit.objects.bulk_create(
            RoleLimit(cooperative=cooperative, role=role, action=action,
                      max_amount=rupiah * SEN_PER_RUPIAH)
            for action, roles in default_role_limits()["limits"].items()
            for role, rupiah in roles.items()
        )
        audit_record(action="tenancy.cooperative.registered", acting_user=acting_user,
                     cooperative=cooperative, office=office, obj=cooperative,
                     data={"code": code, "kind": kind})
    return cooperative


def user_create(*, username: str, password: str, full_name: str = "") -> User:
    user = User(username=username, full_name=full_name)
    user.set_password(password)
    user.save()
    return user


def staff_assign(*, cooperative: Cooperative, user: User, role: str, acting_user: Any
                 ) -> CooperativeStaff:
    with transaction.atomic():
        staff, _ = CooperativeStaff.objects.get_or_create(
            cooperative=cooperative, user=user, role=role
        )
        audit_record(action="tenancy.staff.assigned", acting_user=acting_user,
                     cooperative=cooperative, obj=staff,
                     data={"user": user.username, "role": role})
    return staff


def office_staff_assign(*, office: SupervisorOffice, user: User, role: str, acting_user: Any
                        ) -> OfficeStaff:
    with transaction.atomic():
        staff, _ = OfficeStaff.objects.get_or_create(office=office, user=user, role=role)
        audit_record(action="tenancy.office_staff.assigned", acting_user=acting_user,
                     office=office, obj=staff, data={"user": user.username, "role": role})
    return staff
