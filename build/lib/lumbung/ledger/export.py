"""Export a cooperative's whole journal for hledger or beancount, so an outside tool can check us.

Account names come from our codes under the five standard roots (Assets:1101, Liabilities:2101,
Equity:3101, Income:4101, Expenses:5301); amounts are Rupiah with two decimals, commodity IDR.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from django.db import connection

from lumbung.core.money import sen_to_decimal_rupiah
from lumbung.ledger.models import Account
from lumbung.tenancy.models import Cooperative

ROOTS = {
    "asset": "Assets",
    "liability": "Liabilities",
    "equity": "Equity",
    "income": "Income",
    "expense": "Expenses",
}
BATCH = 20000


class Writer(Protocol):
    def write(self, text: str, /) -> object: ...


def account_name(account_type: str, code: str) -> str:
    return f"{ROOTS[account_type]}:{code}"


def _quoted(text: str) -> str:
    return text.replace("\\", "/").replace('"', "'").replace("\n", " ")


def _rows(cooperative: Cooperative) -> Iterator[tuple[Any, ...]]:
    after = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT e.number, e.date, e.description, e.hash, a.type, a.code, l.debit, l.credit "
                "FROM ledger_journalline l JOIN ledger_journalentry e ON e.id = l.entry_id "
                "JOIN ledger_account a ON a.id = l.account_id "
                "WHERE e.cooperative_id = %s AND e.number > %s AND e.number <= %s "
                "ORDER BY e.number, l.line_no",
                [cooperative.pk, after, after + BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                cursor.execute(
                    "SELECT 1 FROM ledger_journalentry WHERE cooperative_id = %s AND number > %s",
                    [cooperative.pk, after],
                )
                if cursor.fetchone() is None:
                    return
            yield from rows
            after += BATCH


def export_journal(cooperative: Cooperative, output: Writer, fmt: str) -> int:
    """Write the journal; return the number of entries written."""
    beancount = fmt == "beancount"
    accounts = Account.objects.filter(cooperative=cooperative, is_heading=False).order_by("code")
    first_date = cooperative.entries.order_by("date").values_list("date", flat=True).first()
    output.write(f"; Jurnal {cooperative.name} ({cooperative.code}) - diekspor oleh Lumbung\n")
    if beancount:
        output.write('option "operating_currency" "IDR"\n')
        opened = (first_date or cooperative.business_date).isoformat()
        for account in accounts:
            output.write(f"{opened} open {account_name(account.type, account.code)} IDR\n")
    else:
        output.write("commodity 1000.00 IDR\n")
        for account in accounts:
            output.write(f"account {account_name(account.type, account.code)}  ; {account.name}\n")
    output.write("\n")
    current = None
    count = 0
    for row in _rows(cooperative):
        number, day, description, entry_hash, account_type, code, debit, credit = row
        if number != current:
            if current is not None:
                output.write("\n")
            current = number
            count += 1
            if beancount:
                output.write(f'{day} * "#{number}" "{_quoted(str(description))}"\n')
                output.write(f'  hash: "{entry_hash}"\n')
            else:
                output.write(f"{day} #{number} {_quoted(str(description))}  ; hash:{entry_hash}\n")
        amount = sen_to_decimal_rupiah(int(debit) - int(credit))
        output.write(f"    {account_name(str(account_type), str(code))}  {amount} IDR\n")
    return count
