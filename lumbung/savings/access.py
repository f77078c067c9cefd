"""Who may do what with members and savings (checked by screens and the API)."""

from __future__ import annotations

from lumbung.tenancy.models import CooperativeRole

# Register members, open accounts, take deposits and pay withdrawals.
COUNTER_ROLES = frozenset({CooperativeRole.TELLER, CooperativeRole.MANAGER})
# Configure products, settle a member's exit.
PRODUCT_ROLES = frozenset({CooperativeRole.MANAGER})
# See a member's full NIK and phone number (each reveal is audited).
REVEAL_ROLES = frozenset({CooperativeRole.TELLER, CooperativeRole.MANAGER,
                          CooperativeRole.ACCOUNTANT})
