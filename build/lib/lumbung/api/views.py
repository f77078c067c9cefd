"""JSON API v1 (OpenAPI at /api/v1/openapi.json). Thin: access helper, one service, a schema.

Authentication is the staff session for now; money-moving POSTs take an Idempotency-Key header.
Refusals are JSON {"code", "message"}; another cooperative's data is a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest
from ninja import Header, NinjaAPI
from ninja.responses import Status
from ninja.security import django_auth

from lumbung.api import schemas
from lumbung.audit.services import audit_record
from lumbung.core.errors import LumbungError
from lumbung.ledger import selectors
from lumbung.ledger.models import ApprovalRequest, JournalEntry, JournalLine
from lumbung.ledger.services import LineSpec, manual_entry_submit
from lumbung.tenancy.access import (
    BACKDATE_ROLES,
    BOOKKEEPING_ROLES,
    CooperativeAccess,
    cooperative_access,
    cooperatives_for_user,
)

api = NinjaAPI(
    title="Lumbung API",
    version="1",
    urls_namespace="api-v1",
    auth=django_auth,
    description="API koperasi simpan pinjam Lumbung. Semua jumlah uang dalam sen (bilangan bulat).",
)

LINES_IN_ORDER = Prefetch(
    "lines", queryset=JournalLine.objects.select_related("account").order_by("line_no")
)
STATUS_BY_CODE = {"NOT_FOUND": 404, "PERMISSION_DENIED": 403, "UNKNOWN_COOPERATIVE": 404}


@api.exception_handler(LumbungError)
def _refusal(request: HttpRequest, exc: LumbungError) -> Any:
    status = STATUS_BY_CODE.get(exc.code, 422)
    return api.create_response(request, {"code": exc.code, "message": exc.message}, status=status)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> Any:
    error = LumbungError("NOT_FOUND")
    return api.create_response(request, {"code": error.code, "message": error.message}, status=404)


def _access(request: HttpRequest, code: str, screen: str) -> CooperativeAccess:
    access = cooperative_access(request.user, code)
    if access.supervisor:
        audit_record(action=f"supervision.read.{screen}", acting_user=request.user,
                     cooperative=access.cooperative, office=access.cooperative.office)
    return access


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


@api.get("/cooperatives", response=list[schemas.CooperativeOut], tags=["koperasi"])
def cooperative_list(request: HttpRequest) -> Any:
    """Koperasi yang boleh dilihat pengguna ini."""
    return list(cooperatives_for_user(request.user))


@api.get("/cooperatives/{code}/trial-balance", response=schemas.TrialBalanceOut,
         tags=["buku besar"])
def trial_balance(request: HttpRequest, code: str, as_of: dt.date | None = None) -> Any:
    """Neraca saldo per tanggal (bawaan: tanggal usaha)."""
    access = _access(request, code, "trial_balance")
    cooperative = access.cooperative
    return selectors.trial_balance(
        cooperative=cooperative, as_of=as_of or cooperative.business_date
    ).as_dict()


@api.get("/cooperatives/{code}/journal", response=list[schemas.EntryOut], tags=["buku besar"])
def journal_list(request: HttpRequest, code: str, before: int | None = None, limit: int = 50
                 ) -> Any:
    """Jurnal terbaru lebih dulu; `before` = nomor jurnal untuk halaman berikutnya."""
    access = _access(request, code, "journal")
    entries = selectors.journal_entries(cooperative=access.cooperative).prefetch_related(
        LINES_IN_ORDER
    )
    if before is not None:
        entries = entries.filter(number__lt=before)
    return [_entry_out(entry) for entry in entries[: max(1, min(limit, 200))]]


@api.get("/cooperatives/{code}/journal/{number}", response=schemas.EntryOut,
         tags=["buku besar"])
def journal_detail(request: HttpRequest, code: str, number: int) -> Any:
    access = _access(request, code, "journal_entry")
    entry = selectors.journal_entry(cooperative=access.cooperative, number=number)
    if entry is None:
        raise Http404
    prefetch_related_objects([entry], LINES_IN_ORDER)
    return _entry_out(entry)


@api.post("/cooperatives/{code}/journal",
          response={201: schemas.PostResultOut, 202: schemas.PostResultOut,
                     403: schemas.ErrorOut, 404: schemas.ErrorOut, 422: schemas.ErrorOut},
          tags=["buku besar"])
def journal_post(request: HttpRequest, code: str, payload: schemas.EntryIn,
                 idempotency_key: str | None = Header(None, alias="Idempotency-Key")) -> Any:
    """Jurnal manual: langsung diposting dalam batas wewenang, selain itu menunggu persetujuan.

    Dengan header Idempotency-Key, pengulangan permintaan yang sama mengembalikan jurnal pertama.
    """
    access = cooperative_access(request.user, code)
    access.require(BOOKKEEPING_ROLES)
    lines = [LineSpec(**line.dict()) for line in payload.lines]
    result = manual_entry_submit(
        cooperative=access.cooperative,
        lines=lines,
        description=payload.description,
        date=payload.date,
        allow_backdate=access.has_any(BACKDATE_ROLES),
        # Scoped to the user: two clients choosing the same key never see each other's entry.
        idempotency_key=f"api:{request.user.pk}:{idempotency_key}" if idempotency_key else None,
        acting_user=request.user,
    )
    if isinstance(result, ApprovalRequest):
        return Status(202, {"status": "pending_approval", "approval": {
            "id": result.pk, "status": result.status, "amount": result.amount,
            "description": result.description, "maker": result.maker.username}})
    return Status(201, {"status": "posted", "entry": _entry_out(result)})
