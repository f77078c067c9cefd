"""API v1 for the member's app: /api/v1/me/... (a future native app uses the same services).

Authentication: POST /me/login gives a session token; every other call sends
`Authorization: Bearer <token>` and `X-Device-Id: <the device id used at login>`. The token
names one member: every endpoint reads and writes only that member's data (another member's
payment or transaction is a 404). The bank's virtual-account callback (/va/<code>/callback) is
authenticated by its HMAC signature instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import File, Form, Header, Router, Schema, UploadedFile
from ninja.responses import Status
from ninja.security import HttpBearer

from lumbung.api.loans import InstalmentOut
from lumbung.api.schemas import ErrorOut
from lumbung.core.errors import LumbungError
from lumbung.ledger.models import JournalEntry
from lumbung.loans.services import loan_quote
from lumbung.portal import loan_requests, selectors, withdrawals
from lumbung.portal.access import DEVICE_HEADER, cooperative_or_404
from lumbung.portal.loan_requests import ApplicationProgress, DocumentUpload
from lumbung.portal.models import (
    BillPayment,
    MemberCredential,
    MemberSession,
    WithdrawalRequest,
)
from lumbung.portal.movements import member_transfer, transfer_preview, va_number, va_topup_receive
from lumbung.portal.ppob import bill_pay, bill_quote
from lumbung.portal.services import (
    login_challenge_answer,
    member_login,
    member_logout,
    member_preferences_update,
    member_session_resume,
)
from lumbung.savings.selectors import account_statement, member_accounts
from lumbung.teller.receipts import verification_path
from lumbung.tenancy import throttle


class MemberToken(HttpBearer):
    """Bearer token of a member session, valid only with its X-Device-Id."""

    def authenticate(self, request: HttpRequest, token: str) -> MemberSession | None:
        return member_session_resume(cooperative=None, token=token,
                                     device_id=request.META.get(DEVICE_HEADER, "")[:100])


router = Router(tags=["anggota"], auth=MemberToken())


def _session(request: HttpRequest) -> MemberSession:
    session: MemberSession = request.auth  # type: ignore[attr-defined]
    return session


class LoginIn(Schema):
    cooperative: str
    identifier: str
    pin: str
    device_id: str


class CodeIn(Schema):
    cooperative: str
    challenge: str
    code: str
    device_id: str


class LoginOut(Schema):
    # Either a session token, or (one-time code wanted) a challenge to answer at /me/login/code.
    token: str = ""
    challenge: str = ""
    member_number: int | None = None


@router.post("/me/login", auth=None, response={200: LoginOut, 422: ErrorOut, 429: ErrorOut})
def login(request: HttpRequest, data: LoginIn) -> Any:
    """Masuk dengan nomor anggota atau nomor HP dan PIN 6 angka."""
    cooperative = cooperative_or_404(data.cooperative)
    try:
        outcome = member_login(cooperative=cooperative, identifier=data.identifier[:40],
                               pin=data.pin, device_id=data.device_id[:100],
                               user_agent=request.META.get("HTTP_USER_AGENT", ""),
                               address=throttle.client_address(request))
    except LumbungError as exc:
        if exc.code == "PORTAL_LOGIN_THROTTLED":
            return Status(429, {"code": exc.code, "message": exc.message})
        raise
    return {"token": outcome.session_token, "challenge": outcome.challenge_token,
            "member_number": outcome.member.number}


@router.post("/me/login/code", auth=None, response=LoginOut)
def login_code(request: HttpRequest, data: CodeIn) -> Any:
    """Jawab kode sekali pakai yang dikirim lewat SMS."""
    outcome = login_challenge_answer(
        cooperative=cooperative_or_404(data.cooperative), challenge_token=data.challenge,
        code=data.code, device_id=data.device_id[:100])
    return {"token": outcome.session_token, "member_number": outcome.member.number}


class LogoutIn(Schema):
    everywhere: bool = False


@router.post("/me/logout")
def logout(request: HttpRequest, data: LogoutIn) -> Any:
    """Keluar di perangkat ini, atau di semua perangkat (`everywhere`)."""
    return {"ended": member_logout(session=_session(request), everywhere=data.everywhere)}


class MeOut(Schema):
    cooperative: str
    cooperative_name: str
    number: int | None
    name: str
    virtual_account: str
    business_date: dt.date


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> Any:
    """Data anggota yang sedang masuk."""
    session = _session(request)
    return {"cooperative": session.cooperative.code,
            "cooperative_name": session.cooperative.name, "number": session.member.number,
            "name": session.member.name,
            "virtual_account": va_number(session.cooperative, session.member),
            "business_date": session.cooperative.business_date}


class AccountOut(Schema):
    ref: str
    name: str
    number: str = ""
    kind: str = ""
    # Savings held, or (loans) the amount still owed; sen.
    balance: int
    is_loan: bool


@router.get("/me/accounts", response=list[AccountOut])
def accounts(request: HttpRequest) -> Any:
    """Semua rekening anggota: simpanan (pokok, wajib, sukarela, berjangka) dan pinjaman."""
    session = _session(request)
    savings = member_accounts(cooperative=session.cooperative, member=session.member)
    rows = [{"ref": a.subledger_ref, "name": a.product.name, "number": a.number,
             "kind": a.product.kind, "balance": a.balance, "is_loan": False}  # type: ignore[attr-defined]
            for a in savings]
    refs = {row["ref"] for row in rows}
    rows += [{"ref": a.ref, "name": a.name, "balance": a.balance, "is_loan": a.is_loan}
             for a in selectors.member_ledger_accounts(cooperative_id=session.cooperative_id,
                                                       member_id=session.member_id)
             if a.ref not in refs]
    return rows


class StatementRowOut(Schema):
    date: dt.date
    entry_number: int
    description: str
    debit: int
    credit: int
    balance: int


class StatementOut(Schema):
    number: str
    opening: int
    closing: int
    rows: list[StatementRowOut]


@router.get("/me/accounts/{number}/statement", response=StatementOut)
def statement(request: HttpRequest, number: str, date_from: dt.date | None = None,
              date_to: dt.date | None = None) -> Any:
    """Mutasi satu rekening simpanan (seperti buku tabungan)."""
    session = _session(request)
    account = next((a for a in member_accounts(cooperative=session.cooperative,
                                               member=session.member) if a.number == number),
                   None)
    if account is None:
        raise Http404
    today = session.cooperative.business_date
    result = account_statement(account=account, date_from=date_from or today.replace(day=1),
                               date_to=date_to or today)
    return {"number": account.number, "opening": result.opening, "closing": result.closing,
            "rows": result.rows}


class FeedItemOut(Schema):
    id: int
    entry: int
    date: str
    description: str
    account: str
    ref: str
    amount: int
    direction: str
    is_loan: bool


@router.get("/me/feed", response=list[FeedItemOut])
def feed(request: HttpRequest, after: int = 0) -> Any:
    """Transaksi pada rekening anggota setelah id `after`, terlama dulu (untuk melanjutkan)."""
    session = _session(request)
    return [item.as_dict() for item in selectors.feed_items(
        cooperative_id=session.cooperative_id, member_id=session.member_id, after_id=after)]


class PendingOut(Schema):
    description: str
    amount: int
    created_at: dt.datetime


@router.get("/me/pending", response=list[PendingOut])
def pending(request: HttpRequest) -> Any:
    """Transaksi yang masih menunggu persetujuan pengurus/manajer."""
    session = _session(request)
    return selectors.pending_requests(cooperative_id=session.cooperative_id,
                                      member_id=session.member_id)


class ReceiptLineOut(Schema):
    account: str
    debit: int
    credit: int


class ReceiptOut(Schema):
    number: int
    date: dt.date
    description: str
    hash: str
    verify_url: str
    lines: list[ReceiptLineOut]


@router.get("/me/transactions/{number}", response=ReceiptOut)
def transaction_detail(request: HttpRequest, number: int) -> Any:
    """Bukti satu transaksi anggota dan alamat halaman verifikasinya."""
    session = _session(request)
    entry = selectors.member_entry(cooperative_id=session.cooperative_id,
                                   member_id=session.member_id, number=number)
    if entry is None:
        raise Http404
    return _receipt(request, session, entry)


def _receipt(request: HttpRequest, session: MemberSession, entry: JournalEntry) -> dict[str, Any]:
    return {
        "number": entry.number, "date": entry.date, "description": entry.description,
        "hash": entry.hash,
        "verify_url": request.build_absolute_uri(
            verification_path(session.cooperative.code, entry.number, entry.hash)),
        "lines": [{"account": line.account.name, "debit": line.debit, "credit": line.credit}
                  for line in entry.lines.select_related("account")
                  if line.member_id == session.member_id and line.subledger_ref],
    }


class BillQuoteIn(Schema):
    product: str
    customer_no: str
    # Sen; only for tokens, credit and data (one of the product's denominations).
    amount: int = 0


class BillOut(Schema):
    id: int
    product: str
    customer_no: str
    customer_name: str
    period: str
    amount: int
    fee: int
    total: int
    status: str
    token: str
    entry_number: int | None
    reversal_number: int | None


@router.post("/me/bills", response=BillOut)
def bill_new(request: HttpRequest, data: BillQuoteIn,
             idempotency_key: str = Header(..., alias="Idempotency-Key")) -> Any:
    """Cek tagihan (inquiry): belum ada uang yang bergerak; bayar dengan /me/bills/{id}/pay."""
    session = _session(request)
    return bill_quote(cooperative=session.cooperative, member=session.member,
                      product=data.product, customer_no=data.customer_no, amount=data.amount,
                      client_token=idempotency_key[:64])


def _own_bill(session: MemberSession, pk: int) -> BillPayment:
    payment = BillPayment.objects.filter(cooperative_id=session.cooperative_id,
                                         member_id=session.member_id, pk=pk).first()
    if payment is None:
        raise Http404
    return payment


@router.post("/me/bills/{pk}/pay", response=BillOut)
def bill_confirm(request: HttpRequest, pk: int) -> Any:
    """Bayar tagihan dari simpanan sukarela. Mengulang panggilan tidak menagih dua kali."""
    session = _session(request)
    return bill_pay(cooperative=session.cooperative, member=session.member,
                    payment=_own_bill(session, pk))


@router.get("/me/bills/{pk}", response=BillOut)
def bill_detail(request: HttpRequest, pk: int) -> Any:
    """Status satu pembayaran tagihan."""
    return _own_bill(_session(request), pk)


class TransferIn(Schema):
    recipient_number: str
    amount: int


class TransferPreviewOut(Schema):
    recipient_number: int | None
    recipient_name: str
    amount: int
    used_today: int
    limit: int


@router.post("/me/transfers/preview", response=TransferPreviewOut)
def transfer_check(request: HttpRequest, data: TransferIn) -> Any:
    """Langkah konfirmasi: siapa penerimanya dan sisa batas harian."""
    session = _session(request)
    preview = transfer_preview(cooperative=session.cooperative, member=session.member,
                               recipient_number=data.recipient_number, amount=data.amount)
    return {"recipient_number": preview.recipient.number, "recipient_name": preview.recipient.name,
            "amount": preview.amount, "used_today": preview.used_today, "limit": preview.limit}


@router.post("/me/transfers", response=ReceiptOut)
def transfer(request: HttpRequest, data: TransferIn,
             idempotency_key: str = Header(..., alias="Idempotency-Key")) -> Any:
    """Transfer ke anggota lain (setelah konfirmasi). Kunci idempotensi wajib."""
    session = _session(request)
    entry = member_transfer(cooperative=session.cooperative, member=session.member,
                            recipient_number=data.recipient_number, amount=data.amount,
                            client_token=idempotency_key)
    return _receipt(request, session, entry)


class PreferencesIn(Schema):
    otp_enabled: bool = False
    channels: list[str] = []
    email: str = ""


class PreferencesOut(Schema):
    otp_enabled: bool
    notify_sms: bool
    notify_whatsapp: bool
    notify_email: bool
    email: str


@router.put("/me/preferences", response=PreferencesOut)
def preferences(request: HttpRequest, data: PreferencesIn) -> Any:
    """Saluran pemberitahuan (SMS, WhatsApp, e-mail) dan kode sekali pakai saat masuk. Umpan
    di aplikasi selalu aktif."""
    return member_preferences_update(session=_session(request), otp_enabled=data.otp_enabled,
                                     channels=set(data.channels) & {"sms", "whatsapp", "email"},
                                     email=data.email)


@router.get("/me/preferences", response=PreferencesOut)
def preferences_get(request: HttpRequest) -> Any:
    return MemberCredential.objects.get(member_id=_session(request).member_id)


# ---------------------------------------------------------------- loans


class LoanOut(Schema):
    number: str
    product: str
    principal: int
    # Sen: principal still owed; the next instalment not fully paid (none when all are paid).
    outstanding: int
    next_due: dt.date | None
    next_amount: int
    overdue: bool


@router.get("/me/loans", response=list[LoanOut])
def loans(request: HttpRequest) -> Any:
    """Pinjaman berjalan: sisa pokok dan angsuran berikutnya."""
    session = _session(request)
    return [{"number": row.loan.display_number, "product": row.loan.product.name,
             "principal": row.loan.principal, "outstanding": row.outstanding,
             "next_due": row.next_due, "next_amount": row.next_amount, "overdue": row.overdue}
            for row in loan_requests.member_loans(cooperative=session.cooperative,
                                                  member_id=session.member_id)]


class LoanProductOut(Schema):
    id: int
    name: str
    contract: str
    method: str
    annual_rate: str
    min_amount: int
    max_amount: int
    min_term: int
    max_term: int


@router.get("/me/loans/products", response=list[LoanProductOut])
def loan_products(request: HttpRequest) -> Any:
    """Produk pinjaman yang dapat diajukan."""
    return [{"id": p.pk, "name": p.name, "contract": p.contract, "method": p.method,
             "annual_rate": str(p.annual_rate), "min_amount": p.min_amount,
             "max_amount": p.max_amount, "min_term": p.min_term, "max_term": p.max_term}
            for p in loan_requests.member_products(cooperative=_session(request).cooperative)]


class LoanQuoteOut(Schema):
    product: int
    amount: int
    term_months: int
    provision_fee: int
    admin_fee: int
    insurance_premium: int
    fees: int
    net: int
    total_interest: int
    schedule: list[InstalmentOut]


@router.get("/me/loans/simulation", response=LoanQuoteOut)
def loan_simulation(request: HttpRequest, product: int, amount: int, term_months: int) -> Any:
    """Simulasi dengan ketentuan produk (jumlah dalam sen): angsuran, biaya, yang diterima."""
    session = _session(request)
    quote = loan_quote(cooperative=session.cooperative,
                       product=loan_requests.product_of(session.cooperative, product),
                       amount=amount, term_months=term_months)
    return {"product": quote.product.pk, "amount": quote.amount,
            "term_months": quote.term_months, "provision_fee": quote.provision_fee,
            "admin_fee": quote.admin_fee, "insurance_premium": quote.insurance_premium,
            "fees": quote.fees, "net": quote.net, "total_interest": quote.total_interest,
            "schedule": quote.schedule}


class StepOut(Schema):
    label: str
    date: dt.date | None
    done: bool


class DocumentOut(Schema):
    id: int
    kind: str
    filename: str
    content_type: str
    size: int


class ApplicationOut(Schema):
    id: int
    product: str
    amount: int
    term_months: int
    purpose: str
    applied_on: dt.date
    # submitted, approved (to be paid out at the office), active, paid_off, rejected, ...
    stage: str
    approvals: int
    approvals_needed: int
    loan_number: str | None
    steps: list[StepOut]
    documents: list[DocumentOut]


def _progress(p: ApplicationProgress) -> dict[str, Any]:
    a = p.application
    return {"id": a.pk, "product": a.product.name, "amount": a.amount,
            "term_months": a.term_months, "purpose": a.purpose, "applied_on": a.applied_on,
            "stage": p.stage, "approvals": p.approvals, "approvals_needed": p.approvals_needed,
            "loan_number": p.loan.display_number if p.loan else None,
            "steps": [{"label": str(s.label), "date": s.date, "done": s.done} for s in p.steps],
            "documents": [{"id": d.pk, "kind": d.kind, "filename": d.filename,
                           "content_type": d.content_type, "size": d.size}
                          for d in p.documents]}


@router.get("/me/loan-applications", response=list[ApplicationOut])
def loan_applications(request: HttpRequest) -> Any:
    """Pengajuan pinjaman anggota dan posisinya dalam persetujuan."""
    session = _session(request)
    return [_progress(p) for p in loan_requests.member_applications(
        cooperative_id=session.cooperative_id, member_id=session.member_id)]


def _own_application(session: MemberSession, pk: int) -> ApplicationProgress:
    progress = loan_requests.member_application(cooperative_id=session.cooperative_id,
                                                member_id=session.member_id, pk=pk)
    if progress is None:
        raise Http404
    return progress


@router.get("/me/loan-applications/{pk}", response=ApplicationOut)
def loan_application(request: HttpRequest, pk: int) -> Any:
    return _progress(_own_application(_session(request), pk))


def _documents(files: list[UploadedFile], kinds: list[str]) -> list[DocumentUpload]:
    if len(kinds) != len(files):
        raise LumbungError("BAD_INPUT", detail="satu `kinds` untuk setiap berkas")
    return [DocumentUpload(kind=kind, filename=upload.name or "dokumen",
                           content=upload.read(loan_requests.DOCUMENT_MAX_BYTES + 1))
            for kind, upload in zip(kinds, files, strict=True)]


# Documents are optional at application time (they may follow with /documents).
_NO_KINDS = Form(None)
_NO_FILES = File(None)


@router.post("/me/loan-applications", response=ApplicationOut)
def loan_apply(request: HttpRequest, product: Form[int], amount: Form[int],
               term_months: Form[int], purpose: Form[str], collateral: Form[str] = "",
               kinds: list[str] = _NO_KINDS, files: list[UploadedFile] = _NO_FILES,
               idempotency_key: str = Header(..., alias="Idempotency-Key")) -> Any:
    """Ajukan pinjaman (multipart: isian dan berkas; `kinds[i]` jenis berkas ke-i: ktp, kk,
    penghasilan, usaha, agunan, lain). Jumlah dalam sen. Mengulang dengan kunci yang sama
    mengembalikan pengajuan yang pertama."""
    session = _session(request)
    application = loan_requests.member_loan_apply(
        cooperative=session.cooperative, member=session.member,
        product=loan_requests.product_of(session.cooperative, product), amount=amount,
        term_months=term_months, purpose=purpose, collateral=collateral,
        documents=_documents(files or [], kinds or []), client_token=idempotency_key[:64])
    return _progress(_own_application(session, application.pk))


@router.post("/me/loan-applications/{pk}/documents", response=ApplicationOut)
def loan_documents_add(request: HttpRequest, pk: int, kinds: Form[list[str]],
                       files: File[list[UploadedFile]]) -> Any:
    """Tambah dokumen pada pengajuan yang masih menunggu persetujuan."""
    session = _session(request)
    progress = _own_application(session, pk)
    loan_requests.member_loan_documents_add(
        cooperative=session.cooperative, member=session.member,
        application=progress.application, documents=_documents(files, kinds))
    return _progress(_own_application(session, pk))


# ---------------------------------------------------------------- cash at the counter


class WithdrawalIn(Schema):
    # Sen.
    amount: int


class WithdrawalOut(Schema):
    id: int
    reference: str
    amount: int
    status: str
    requested_on: dt.date
    valid_until: dt.date
    entry_number: int | None


@router.post("/me/withdrawals", response=WithdrawalOut)
def withdrawal_new(request: HttpRequest, data: WithdrawalIn,
                   idempotency_key: str = Header(..., alias="Idempotency-Key")) -> Any:
    """Minta tarik tunai dari simpanan sukarela, diambil di loket (dibayar petugas kasir)."""
    session = _session(request)
    return withdrawals.withdrawal_request(cooperative=session.cooperative,
                                         member=session.member, amount=data.amount,
                                         client_token=idempotency_key[:64])


@router.get("/me/withdrawals", response=list[WithdrawalOut])
def withdrawal_list(request: HttpRequest) -> Any:
    session = _session(request)
    return withdrawals.member_withdrawals(cooperative_id=session.cooperative_id,
                                          member_id=session.member_id)


@router.post("/me/withdrawals/{pk}/cancel", response=WithdrawalOut)
def withdrawal_cancel(request: HttpRequest, pk: int) -> Any:
    """Batalkan permintaan yang belum dilayani petugas."""
    session = _session(request)
    found = WithdrawalRequest.objects.filter(cooperative_id=session.cooperative_id,
                                             member_id=session.member_id, pk=pk).first()
    if found is None:
        raise Http404
    return withdrawals.withdrawal_cancel(cooperative=session.cooperative, member=session.member,
                                         request=found)


class TopUpOut(Schema):
    external_id: str
    amount: int
    entry_number: int


@router.post("/va/{code}/callback", auth=None, tags=["bank"],
             response={200: TopUpOut, 401: ErrorOut})
def va_callback(request: HttpRequest, code: str,
                x_signature: str = Header("", alias="X-Signature")) -> Any:
    """Callback virtual account bank (HMAC-SHA256 atas isi permintaan, kunci bersama)."""
    try:
        return va_topup_receive(cooperative=cooperative_or_404(code), body=request.body,
                                signature=x_signature)
    except LumbungError as exc:
        if exc.code == "PORTAL_VA_SIGNATURE":
            return Status(401, {"code": exc.code, "message": exc.message})
        raise
