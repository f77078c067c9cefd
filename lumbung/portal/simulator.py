"""A local simulator of the bill aggregator's JSON API, for development, tests and `make run`.

Started by `lumbung ppob-simulator` (Makefile `run`) or, in tests, in a thread on a free port.
Customers behave by the end of their number, so tests and demos can show every case:
  ...00  unknown customer (inquiry refused)
  ...77  slow: the payment succeeds but answers after SLOW_SECONDS (the caller times out)
  ...88  the biller refuses the payment (failed)
  ...66  pending: the payment completes a moment later (status shows success)
Everything else succeeds at once. A reference paid twice is charged once (idempotent), and
/v1/settlement lists the day's successful payments the way an aggregator's file would.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

SLOW_SECONDS = 2.0
PRODUCTS = {"pln_prepaid", "pln_postpaid", "pdam", "bpjs_kesehatan", "pulsa", "data"}
PREPAID = {"pln_prepaid", "pulsa", "data"}
NAMES = ["SUTRISNO", "SRI WAHYUNI", "AHMAD FAUZI", "DEWI LESTARI", "BAMBANG S", "NUR HIDAYAH"]


def bill_amount(product: str, customer_no: str) -> int:
    """A postpaid bill in sen, fixed per customer (Rp50.000 to about Rp350.000, whole rupiah)."""
    digits = sum(int(c) for c in customer_no if c.isdigit())
    base = {"pln_postpaid": 85_000, "pdam": 47_500, "bpjs_kesehatan": 35_000}[product]
    return (base + digits * 7_919) * 100


class Aggregator:
    """The simulator's books: payments by reference, under one lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.payments: dict[str, dict[str, Any]] = {}
        self.calls: list[str] = []

    def inquiry(self, body: dict[str, Any]) -> dict[str, Any]:
        product, customer = body.get("product", ""), str(body.get("customer_no", ""))
        if product not in PRODUCTS:
            return {"error": "UNKNOWN_PRODUCT", "message": "produk tidak dikenal"}
        if not customer.isdigit() or len(customer) < 6 or customer.endswith("00"):
            return {"error": "CUSTOMER_NOT_FOUND", "message": "nomor pelanggan tidak ditemukan"}
        name = NAMES[int(customer[-4:]) % len(NAMES)]
        if product in PREPAID:
            amount = int(body.get("amount") or 0)
            if amount <= 0:
                return {"error": "BAD_AMOUNT", "message": "pilih nominal"}
            return {"customer_name": name, "amount": amount}
        return {"customer_name": name, "amount": bill_amount(product, customer),
                "period": dt.date.today().strftime("%Y-%m")}

    def pay(self, body: dict[str, Any]) -> dict[str, Any]:
        reference, customer = str(body["reference"]), str(body["customer_no"])
        with self.lock:
            if reference in self.payments:
                return self.payments[reference]
            status = "failed" if customer.endswith("88") else (
                "pending" if customer.endswith("66") else "success")
            number = len(self.payments) + 1
            payment = {
                "reference": reference, "status": status, "aggregator_ref": f"AGR{number:08d}",
                "product": body["product"], "customer_no": customer, "amount": int(body["amount"]),
                "date": dt.date.today().isoformat(),
                "token": (" ".join(f"{(number * 7919 + i * 1237) % 10000:04d}" for i in range(5))
                          if body["product"] == "pln_prepaid" and status != "failed" else ""),
                "message": "ditolak biller" if status == "failed" else "",
            }
            self.payments[reference] = payment
        if customer.endswith("77"):
            time.sleep(SLOW_SECONDS)
        return payment

    def status(self, reference: str) -> dict[str, Any]:
        with self.lock:
            payment = self.payments.get(reference)
            if payment is None:
                return {"reference": reference, "status": "not_found"}
            if payment["status"] == "pending":
                payment["status"] = "success"
                return {**payment, "status": "pending"}
            return payment

    def reverse(self, body: dict[str, Any]) -> dict[str, Any]:
        reference = str(body["reference"])
        with self.lock:
            payment = self.payments.get(reference)
            if payment is None:
                return {"reference": reference, "status": "not_found"}
            if payment["status"] == "success":
                return {"error": "ALREADY_SETTLED", "message": "transaksi sudah berhasil"}
            payment["status"] = "reversed"
            return payment

    def settlement(self, date: str) -> dict[str, Any]:
        with self.lock:
            rows = [{k: p[k] for k in ("reference", "aggregator_ref", "product", "customer_no",
                                       "amount")}
                    for p in self.payments.values()
                    if p["status"] == "success" and p["date"] == date]
        return {"date": date, "rows": rows}


def make_handler(aggregator: Aggregator, api_key: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self, body: dict[str, Any], status: int = 200) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            # The caller may have given up waiting (a timeout test): nothing to tell it then.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)

        def _authorised(self) -> bool:
            if self.headers.get("X-Api-Key") != api_key:
                self._answer({"error": "UNAUTHORISED", "message": "kunci API salah"}, 401)
                return False
            return True

        def do_GET(self) -> None:
            if not self._authorised():
                return
            url = urlparse(self.path)
            aggregator.calls.append(f"GET {url.path}")
            if url.path.startswith("/v1/status/"):
                self._answer(aggregator.status(url.path.removeprefix("/v1/status/")))
            elif url.path == "/v1/settlement":
                date = parse_qs(url.query).get("date", [dt.date.today().isoformat()])[0]
                self._answer(aggregator.settlement(date))
            else:
                self._answer({"error": "NOT_FOUND"}, 404)

        def do_POST(self) -> None:
            if not self._authorised():
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            aggregator.calls.append(f"POST {self.path}")
            routes = {"/v1/inquiry": aggregator.inquiry, "/v1/pay": aggregator.pay,
                      "/v1/reverse": aggregator.reverse}
            if self.path not in routes:
                self._answer({"error": "NOT_FOUND"}, 404)
                return
            answer = routes[self.path](body)
            self._answer(answer, 422 if "error" in answer else 200)

    return Handler


def serve(host: str = "127.0.0.1", port: int = 0, api_key: str = "dev-key",
          ) -> tuple[ThreadingHTTPServer, Aggregator]:
    """Start the simulator in a background thread; returns the server (for its port and
    shutdown()) and its books."""
    aggregator = Aggregator()
    server = ThreadingHTTPServer((host, port), make_handler(aggregator, api_key))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, aggregator
