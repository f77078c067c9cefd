"""Every write of the loans app: products, applications and their approval, disbursement,
repayments. Services take `cooperative` first and `acting_user` last; money movements run in one
durable transaction, lock the loan row first (then the savings or drawer rows, the ledger head
last, inside journal_entry_post) and post one balanced entry built by loans/accounting.py.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from lumbung.audit.services import audit_record
from lumbung.core.money import SEN_PER_RUPIAH
from lumbung.loans.models import SHARIA_CONTRACTS, Contract, LoanProduct
from lumbung.tenancy.models import Cooperative

RULES_DIR = Path(__file__).parent / "rules"
RUPIAH_FIELDS = ("min_amount", "max_amount", "admin_fee", "committee_threshold")
RATE_FIELDS = ("annual_rate", "provision_rate", "admin_rate", "insurance_rate", "penalty_rate",
               "penalty_cap_rate")


@cache
def rules(name: str) -> dict[str, Any]:
    """A rules file of loans/rules/ (version, source, confidence and the rules)."""
    with open(RULES_DIR / f"{name}.yaml", encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def contracts_for(cooperative: Cooperative) -> frozenset[str]:
    """Sharia cooperatives (KSPPS, BMT) finance with sharia contracts only; the others lend
    conventionally."""
    return SHARIA_CONTRACTS if cooperative.is_sharia else frozenset({Contract.CONVENTIONAL})


def loan_products_install(*, cooperative: Cooperative, acting_user: Any) -> list[LoanProduct]:
    """Create the default products (rules/products.yaml) the cooperative does not have yet.
    Idempotent; returns the products created."""
    data = rules("products")
    group = "sharia" if cooperative.is_sharia else "conventional"
    with transaction.atomic():
        existing = set(LoanProduct.objects.filter(cooperative=cooperative)
                       .values_list("code", flat=True))
        created = []
        for row in data[group]:
            if row["code"] in existing:
                continue
            values = dict(row)
            for field in RUPIAH_FIELDS:
                if field in values:
                    values[field] = int(values[field]) * SEN_PER_RUPIAH
            for field in RATE_FIELDS:
                if values.get(field) is not None:
                    values[field] = Decimal(str(values[field]))
            created.append(LoanProduct.objects.create(
                cooperative=cooperative, rules_version=data["version"], **values
            ))
        if created:
            audit_record(action="loans.products.installed", acting_user=acting_user,
                         cooperative=cooperative,
                         data={"version": data["version"], "codes": [p.code for p in created]})
    return created
