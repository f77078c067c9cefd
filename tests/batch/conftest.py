from tests.ledger.helpers import _rules_back_after_flush, committed_db  # noqa: F401
