"""Ledger endpoints: cooperatives, trial balance, journal (read and manual POST)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest
from ninja import Header, Router
from ninja.responses import Status

from lumbung.api import schemas
from lumbung.api.common import api_access, scoped_key
from lumbung.ledger import selectors
from lumbung.ledger.models import ApprovalRequest, JournalEntry, JournalLine
from lumbung.ledger.services import LineSpec, manual_entry_submit
from lumbung.tenancy.access import BACKDATE_ROLES, BOOKKEEPING_ROLES, cooperatives_for_user

router = Router()

LINES_IN_ORDER = Prefetch(
    "lines", queryset=JournalLine.objects.select_related("account").order_by("line_no")
)


def _entry_out(entry: JournalEntry) -> dict[str, Any]:
    return {
        "number": entry.number,
        "date": entry.date,
        "description": entry.description,
        "source": entry.source,
        "total": entry.total,
        "maker": entry.maker.username if entry.maker else None,
        "approved_by": entry.approved_by.username if entry.approved_by else None,
        "reverses": entry.reverses.number if entry.reverses else None,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
        "lines": [
            {"line_no": line.line_no, "account": line.account.code, "debit": line.debit,
             "credit": line.credit, "member_id": line.member_id,
             "subledger_ref": line.subledger_ref, "memo": line.memo}
            for line in entry.lines.all()
        ],
    }


@router.get("/cooperatives", response=list[schemas.CooperativeOut], tags=["koperasi"])
def cooperative_list(request: HttpRequest) -> Any:
    """Koperasi yang boleh dilihat pengguna ini."""
    return list(cooperatives_for_user(request.user))


@router.get("/cooperatives/{code}/trial-balance", response=schemas.TrialBalanceOut,
         tags=["buku besar"])
def trial_balance(request: HttpRequest, code: str, as_of: dt.date | None = None) -> Any:
    """Neraca saldo per tanggal (bawaan: tanggal usaha)."""
    access = api_access(request, code, "trial_balance")
    cooperative = access.cooperative
    return selectors.trial_balance(
        cooperative=cooperative, as_of=as_of or cooperative.business_date
    ).as_dict()


@router.get("/cooperatives/{code}/journal", response=list[schemas.EntryOut], tags=["buku besar"])
def journal_list(request: HttpRequest, code: str, before: int | None = None, limit: int = 50
                 ) -> Any:
    """Jurnal terbaru lebih dulu; `before` = nomor jurnal untuk halaman berikutnya."""
    access = api_access(request, code, "journal")
    entries = selectors.journal_entries(cooperative=access.cooperative).prefetch_related(
        LINES_IN_ORDER
    )
    if before is not None:
        entries = entries.filter(number__lt=before)
    return [_entry_out(entry) for entry in entries[: max(1, min(limit, 200))]]


@router.get("/cooperatives/{code}/journal/{number}", response=schemas.EntryOut,
         tags=["buku besar"])
def journal_detail(request: HttpRequest, code: str, number: int) -> Any:
    access = api_access(request, code, "journal_entry")
    entry = selectors.journal_entry(cooperative=access.cooperative, number=number)
    if entry is None:
        raise Http404
    prefetch_related_objects([entry], LINES_IN_ORDER)
    return _entry_out(entry)


@router.post("/cooperatives/{code}/journal",
          response={201: schemas.PostResultOut, 202: schemas.PostResultOut,
                     403: schemas.ErrorOut, 404: schemas.ErrorOut, 422: schemas.ErrorOut},
          tags=["buku besar"])
def journal_post(request: HttpRequest, code: str, payload: schemas.EntryIn,
                 idempotency_key: str | None = Header(None, alias="Idempotency-Key")) -> Any:
    """Jurnal manual: langsung diposting dalam batas wewenang, selain itu menunggu persetujuan.

    Dengan header Idempotency-Key, pengulangan permintaan yang sama mengembalikan jurnal pertama.
    """
    access = api_access(request, code)
    access.require(BOOKKEEPING_ROLES)
    lines = [LineSpec(**line.dict()) for line in payload.lines]
    result = manual_entry_submit(
        cooperative=access.cooperative,
        lines=lines,
        description=payload.description,
        date=payload.date,
        allow_backdate=access.has_any(BACKDATE_ROLES),
        idempotency_key=scoped_key(request, idempotency_key),
        acting_user=request.user,
    )
    if isinstance(result, ApprovalRequest):
        return Status(202, {"status": "pending_approval", "approval": {
            "id": result.pk, "status": result.status, "amount": result.amount,
            "description": result.description, "maker": result.maker.username}})
    return Status(201, {"status": "posted", "entry": _entry_out(result)})
