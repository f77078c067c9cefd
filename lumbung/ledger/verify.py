"""`lumbung verify`: recompute everything the books promise and report the first breach.

Checks, per cooperative:
  triggers   the append-only and balance triggers are installed
  numbers    entry numbers run 1..N without gaps; the head points at N
  balance    every entry's lines balance, match its total and line count, one side per line
  chain      every entry's prev_hash is the previous hash and its hash recomputes
  balances   materialized account balances equal the sums of their lines
  subledgers control accounts: every line names a sub-ledger; sub-ledger balances equal their
             lines and sum to the control account
  checkpoints  each checkpoint's range, count, chain head and Merkle root recompute
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from lumbung.core.dates import as_date
from lumbung.ledger import calculations
from lumbung.ledger.models import GENESIS_HASH
from lumbung.ledger.sql import EXPECTED_TRIGGERS
from lumbung.tenancy.models import Cooperative

BATCH_ENTRIES = 5000


@dataclass
class Breach:
    check: str
    detail: str
    entry_number: int | None = None


@dataclass
class CooperativeReport:
    cooperative: str
    entries: int = 0
    lines: int = 0
    checkpoints: int = 0
    breaches: list[Breach] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaches

    def first_broken_entry(self) -> int | None:
        numbers = [b.entry_number for b in self.breaches if b.entry_number is not None]
        return min(numbers) if numbers else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "cooperative": self.cooperative,
            "ok": self.ok,
            "entries": self.entries,
            "lines": self.lines,
            "checkpoints": self.checkpoints,
            "first_broken_entry": self.first_broken_entry(),
            "breaches": [b.__dict__ for b in self.breaches],
        }


def installed_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            # A disabled trigger ('D', or 'R' = replica only) still exists but guards nothing.
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled IN ('O', 'A')"
            )
        return {row[0] for row in cursor.fetchall()}


EntryRows = Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]


def _entries_with_lines(cooperative_id: int, after: int = 0, limit: int = BATCH_ENTRIES,
                        once: bool = False) -> EntryRows:
    """Yield (entry row, its line rows) in number order, reading a bounded batch at a time.

    Line rows: (entry_id, line_no, account_id, debit, credit, member_id, subledger_ref, memo,
    account_id, cooperative_id, date). Lines are fetched by their entries' ids (an index lookup)
    whatever cooperative they claim, so a line moved to another cooperative is still seen.
    `after`, `limit` and `once` read one window (entry_check reads a single entry).
    """
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT e.id, e.number, e.date, e.description, e.source, r.number, e.maker_id, "
                "e.approved_by_id, e.total, e.line_count, e.prev_hash, e.hash "
                "FROM ledger_journalentry e "
                "LEFT JOIN ledger_journalentry r ON r.id = e.reverses_id "
                "WHERE e.cooperative_id = %s AND e.number > %s ORDER BY e.number LIMIT %s",
                [cooperative_id, after, limit],
            )
            entries = cursor.fetchall()
            if not entries:
                return
            ids = [entry[0] for entry in entries]
            if connection.vendor == "postgresql":
                where, params = "entry_id = ANY(%s)", [ids]
            else:
                where, params = f"entry_id IN ({', '.join(['%s'] * len(ids))})", ids
            cursor.execute(
                "SELECT entry_id, line_no, account_id, debit, credit, member_id, subledger_ref, "
                f"memo, account_id, cooperative_id, date FROM ledger_journalline WHERE {where} "
                "ORDER BY entry_id, line_no",
                params,
            )
            lines_by_entry: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
            for line in cursor.fetchall():
                lines_by_entry[line[0]].append(line)
            for entry in entries:
                yield entry, lines_by_entry.get(entry[0], [])
            if once:
                return
            after = entries[-1][1]


def _account_codes(cooperative_id: int) -> dict[int, str]:
    """Codes of the cooperative's accounts; a line pointing elsewhere hashes as "?" and fails."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, code FROM ledger_account WHERE cooperative_id = %s", [cooperative_id]
        )
        return dict(cursor.fetchall())


def verify_cooperative(cooperative: Cooperative) -> CooperativeReport:
    report = CooperativeReport(cooperative=cooperative.code)
    breaches = report.breaches

    missing = EXPECTED_TRIGGERS[connection.vendor] - installed_triggers()
    if missing:
        breaches.append(Breach("triggers", f"trigger hilang: {', '.join(sorted(missing))}"))

    expected_number = 1
    prev_hash = GENESIS_HASH
    hashes_by_number: dict[int, str] = {}
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    subledger_sums: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    control_ids = _control_account_ids(cooperative.pk)
    codes = _account_codes(cooperative.pk)
    for entry, lines in _entries_with_lines(cooperative.pk):
        number, day, total, line_count = entry[1], entry[2], entry[8], entry[9]
        stored_prev, stored_hash = entry[10], entry[11]
        report.entries += 1
        report.lines += len(lines)
        if number != expected_number:
            breaches.append(Breach("numbers", f"nomor {expected_number} hilang", expected_number))
            expected_number = number
        # One pass over the lines: sums, shape, tenant, date copy, and the account totals.
        debit = credit = 0
        one_sided, foreign, other_date = True, False, False
        for line in lines:
            line_debit, line_credit, account_id = line[3], line[4], line[8]
            debit += line_debit
            credit += line_credit
            if line_debit < 0 or line_credit < 0 or (line_debit > 0) == (line_credit > 0):
                one_sided = False
            foreign = foreign or line[9] != cooperative.pk
            # Lines carry a copy of the entry's date (as-of balances read it) in the same stored
            # form; the hash covers only the entry's, so the copy is compared here.
            other_date = other_date or line[10] != day
            account_sums = sums[account_id]
            account_sums[0] += line_debit
            account_sums[1] += line_credit
            if account_id in control_ids:
                if not line[6]:
                    breaches.append(Breach(
                        "subledgers", f"jurnal #{number}: baris akun kontrol tanpa buku pembantu",
                        number))
                subledger = subledger_sums[(account_id, line[6])]
                subledger[0] += line_debit
                subledger[1] += line_credit
        if not (debit == credit == total and len(lines) == line_count and one_sided):
            breaches.append(Breach(
                "balance",
                f"jurnal #{number}: debit {debit}, kredit {credit}, total {total}, "
                f"{len(lines)} baris dari {line_count}",
                number,
            ))
        if foreign:
            breaches.append(
                Breach("balance", f"jurnal #{number}: baris milik koperasi lain", number))
        if other_date:
            breaches.append(
                Breach("balance", f"jurnal #{number}: tanggal baris berbeda dari jurnal", number))
        if stored_prev != prev_hash:
            breaches.append(
                Breach("chain", f"jurnal #{number}: prev_hash tidak menyambung", number))
        if _recomputed_hash(cooperative.code, entry, lines, codes) != stored_hash:
            breaches.append(Breach("chain", f"jurnal #{number}: hash tidak cocok dengan isinya",
                                   number))
        prev_hash = stored_hash
        hashes_by_number[number] = stored_hash
        expected_number = number + 1

    _check_head(cooperative, expected_number - 1, prev_hash, breaches)
    _check_balances(cooperative, sums, breaches)
    _check_subledgers(cooperative, control_ids, subledger_sums, sums, breaches)
    report.checkpoints = _check_checkpoints(cooperative, hashes_by_number, breaches)
    return report


def _recomputed_hash(cooperative_code: str, entry: tuple[Any, ...],
                     lines: list[tuple[Any, ...]], codes: dict[int, str]) -> str:
    """The hash an entry row (as _entries_with_lines yields it) and its lines recompute to."""
    (_entry_id, number, day, description, source, reverses_number, maker_id,
     approved_by_id, total, _line_count, stored_prev, _stored_hash) = entry
    return calculations.entry_hash(calculations.HashedEntry(
        cooperative_code=cooperative_code, number=number, date=as_date(day),
        description=description, source=source, reverses_number=reverses_number,
        maker_id=maker_id, approved_by_id=approved_by_id, total=total, prev_hash=stored_prev,
        lines=[calculations.HashedLine(line[1], codes.get(line[2], "?"), line[3], line[4],
                                       line[5], line[6], line[7]) for line in lines],
    ))


def _control_account_ids(cooperative_id: int) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM ledger_account WHERE cooperative_id = %s AND is_control",
            [cooperative_id],
        )
        return {row[0] for row in cursor.fetchall()}


def _check_head(
    cooperative: Cooperative, last: int, last_hash: str, breaches: list[Breach]
) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_number, last_hash FROM ledger_ledgerhead WHERE cooperative_id = %s",
            [cooperative.pk],
        )
        row = cursor.fetchone()
    if row is None or row[0] != last or row[1] != last_hash:
        breaches.append(Breach("numbers", f"kepala rantai {row} tidak sama dengan jurnal #{last}"))


def _check_balances(cooperative: Cooperative, sums: dict[int, list[int]],
                    breaches: list[Breach]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT b.account_id, a.code, b.debit, b.credit FROM ledger_accountbalance b "
            "JOIN ledger_account a ON a.id = b.account_id WHERE b.cooperative_id = %s",
            [cooperative.pk],
        )
        stored = {row[0]: row for row in cursor.fetchall()}
    for account_id, (debit, credit) in sums.items():
        row = stored.get(account_id)
        if row is None or (row[2], row[3]) != (debit, credit):
            code = row[1] if row else account_id
            breaches.append(Breach(
                "balances",
                f"saldo akun {code} ({row[2] if row else '-'}/{row[3] if row else '-'}) "
                f"tidak sama dengan jumlah barisnya ({debit}/{credit})",
            ))
    for account_id, row in stored.items():
        if account_id not in sums and (row[2] or row[3]):
            breaches.append(Breach("balances", f"saldo akun {row[1]} ada tanpa baris jurnal"))


def _check_subledgers(cooperative: Cooperative, control_ids: set[int],
                      subledger_sums: dict[tuple[int, str], list[int]],
                      sums: dict[int, list[int]], breaches: list[Breach]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT account_id, ref, debit, credit FROM ledger_subledgerbalance "
            "WHERE cooperative_id = %s",
            [cooperative.pk],
        )
        stored = {(row[0], row[1]): (row[2], row[3]) for row in cursor.fetchall()}
    for key, (debit, credit) in subledger_sums.items():
        if stored.get(key) != (debit, credit):
            breaches.append(Breach(
                "subledgers", f"buku pembantu {key[1]} tidak sama dengan jumlah barisnya"))
    # One pass over the stored sub-ledgers (there may be one per savings account and loan).
    per_control: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for (account_id, _ref), (debit, credit) in stored.items():
        per_control[account_id][0] += debit
        per_control[account_id][1] += credit
    for account_id in control_ids:
        if per_control.get(account_id, [0, 0]) != sums.get(account_id, [0, 0]):
            breaches.append(Breach(
                "subledgers", f"buku pembantu akun kontrol {account_id} tidak sama dengan akunnya"))


def _check_checkpoints(cooperative: Cooperative, hashes: dict[int, str],
                       breaches: list[Breach]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT date, first_number, last_number, entry_count, chain_head, merkle_root "
            "FROM ledger_checkpoint WHERE cooperative_id = %s ORDER BY date",
            [cooperative.pk],
        )
        rows = cursor.fetchall()
    expected_first = 1
    for day, first, last, count, head, root in rows:
        covered = [hashes.get(n) for n in range(first, last + 1)]
        problems = []
        if first != expected_first:
            problems.append("rentang tidak menyambung")
        if count != last - first + 1 or any(h is None for h in covered):
            problems.append("jumlah jurnal tidak cocok")
        expected_head = hashes.get(last, GENESIS_HASH) if last else GENESIS_HASH
        if head != expected_head:
            problems.append("kepala rantai berbeda")
        if root != calculations.merkle_root([h for h in covered if h]):
            problems.append("akar Merkle berbeda")
        if problems:
            breaches.append(Breach(
                "checkpoints", f"checkpoint {day}: {', '.join(problems)}",
                first if first <= last else None,
            ))
        expected_first = last + 1
    return len(rows)


# ---------------------------------------------------------------- one entry (receipt checks)


@dataclass(frozen=True)
class EntryCheck:
    """What a receipt holder may learn about one entry: is it in the chain, unchanged?

    `intact`: its hash recomputes from its content and lines; `linked`: its prev_hash is the
    previous entry's hash and the next entry (if any) names its hash as prev_hash;
    `checkpoint_date`: the day of the checkpoint covering it whose Merkle root and chain head
    recompute (None when no checkpoint covers it yet, or the covering one does not recompute).
    """

    number: int
    hash: str
    date: Any
    total: int
    intact: bool
    linked: bool
    checkpoint_date: Any
    checkpoint_broken: bool

    @property
    def ok(self) -> bool:
        return self.intact and self.linked and not self.checkpoint_broken


def entry_check(cooperative: Cooperative, number: int) -> EntryCheck | None:
    """Recompute one entry's hash and links, and its checkpoint; None if there is no such entry.

    Reads the entry and its lines, its two neighbours' hashes and the covering checkpoint's
    range of hashes: a handful of queries whatever the size of the books.
    """
    found = list(_entries_with_lines(cooperative.pk, after=number - 1, limit=1, once=True))
    if not found or found[0][0][1] != number:
        return None
    entry, lines = found[0]
    codes = _account_codes(cooperative.pk)
    stored_prev, stored_hash = entry[10], entry[11]
    intact = _recomputed_hash(cooperative.code, entry, lines, codes) == stored_hash
    intact = intact and sum(line[3] for line in lines) == entry[8] == sum(
        line[4] for line in lines) and len(lines) == entry[9]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT number, prev_hash, hash FROM ledger_journalentry WHERE cooperative_id = %s "
            "AND number IN (%s, %s)",
            [cooperative.pk, number - 1, number + 1],
        )
        neighbours = {row[0]: row for row in cursor.fetchall()}
        previous = neighbours.get(number - 1)
        following = neighbours.get(number + 1)
        expected_prev = GENESIS_HASH if number == 1 else (previous[2] if previous else None)
        linked = stored_prev == expected_prev and (
            following is None or following[1] == stored_hash
        )
        cursor.execute(
            "SELECT date, first_number, last_number, chain_head, merkle_root "
            "FROM ledger_checkpoint WHERE cooperative_id = %s AND first_number <= %s "
            "AND last_number >= %s",
            [cooperative.pk, number, number],
        )
        checkpoint = cursor.fetchone()
        checkpoint_date, checkpoint_broken = None, False
        if checkpoint is not None:
            day, first, last, head, root = checkpoint
            cursor.execute(
                "SELECT number, hash FROM ledger_journalentry WHERE cooperative_id = %s "
                "AND number >= %s AND number <= %s ORDER BY number",
                [cooperative.pk, first, last],
            )
            covered = cursor.fetchall()
            hashes = [row[1] for row in covered]
            checkpoint_broken = (
                [row[0] for row in covered] != list(range(first, last + 1))
                or calculations.merkle_root(hashes) != root
                or hashes[-1] != head
            )
            checkpoint_date = None if checkpoint_broken else as_date(day)
    return EntryCheck(
        number=number, hash=stored_hash, date=as_date(entry[2]), total=entry[8],
        intact=intact, linked=linked, checkpoint_date=checkpoint_date,
        checkpoint_broken=checkpoint_broken,
    )
