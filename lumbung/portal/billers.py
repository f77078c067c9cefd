"""Bill payments through an aggregator: the gateway interface and its HTTP/JSON adapter.

inquiry -> pay -> status -> reverse, each keyed by our own `reference` (one per payment), which
the aggregator must treat as an idempotency key: paying the same reference twice charges once.
settings.LUMBUNG_BILLER_URL points at the aggregator (in development and tests: the simulator,
lumbung/portal/simulator.py). A refusal by the aggregator is BillerRefused (nothing happened);
an unanswered call is BillerUnreachable (the outcome is unknown: ask `status` later).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import yaml
from django.conf import settings

RULES = Path(__file__).parent / "rules" / "ppob.yaml"


@cache
def ppob_rules() -> dict[str, Any]:
    rules: dict[str, Any] = yaml.safe_load(RULES.read_text())
    return rules


class BillerRefused(Exception):
    """The aggregator answered no (unknown customer, bad amount, …): `code`, `message`."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class BillerUnreachable(Exception):
    """No answer (down, timeout): the outcome of a payment call is unknown."""


@dataclass(frozen=True)
class Bill:
    product: str
    customer_no: str
    customer_name: str
    # What the biller asks, in sen (for tokens and credit: the chosen denomination).
    amount: int
    period: str = ""


@dataclass(frozen=True)
class PaymentResult:
    reference: str
    # "success", "pending", "failed", "reversed", "not_found"
    status: str
    aggregator_ref: str = ""
    # PLN prepaid token or voucher serial, shown to the member.
    token: str = ""
    message: str = ""


class BillerGateway(Protocol):
    def inquiry(self, *, product: str, customer_no: str, amount: int = 0) -> Bill: ...
    def pay(self, *, reference: str, bill: Bill) -> PaymentResult: ...
    def status(self, *, reference: str) -> PaymentResult: ...
    def reverse(self, *, reference: str) -> PaymentResult: ...
    def settlement(self, *, date: str) -> list[dict[str, Any]]: ...


class HttpBillerGateway:
    """An aggregator-style JSON API over HTTP (the shape the simulator serves)."""

    def __init__(self, base_url: str, api_key: str, timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    def _call(self, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(  # noqa: S310 - the configured aggregator URL
            f"{self.base_url}{path}", data=data, method="POST" if data else "GET",
            headers={"Content-Type": "application/json", "X-Api-Key": self.api_key})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body: dict[str, Any] = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            try:
                body = json.loads(exc.read())
            except ValueError:
                raise BillerUnreachable(f"HTTP {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            raise BillerUnreachable(str(exc)) from exc
        if body.get("error"):
            raise BillerRefused(body["error"], body.get("message", ""))
        return body

    def inquiry(self, *, product: str, customer_no: str, amount: int = 0) -> Bill:
        body = self._call("/v1/inquiry", {"product": product, "customer_no": customer_no,
                                          "amount": amount})
        return Bill(product=product, customer_no=customer_no,
                    customer_name=body.get("customer_name", ""), amount=int(body["amount"]),
                    period=body.get("period", ""))

    @staticmethod
    def _result(body: dict[str, Any]) -> PaymentResult:
        return PaymentResult(reference=body["reference"], status=body["status"],
                             aggregator_ref=body.get("aggregator_ref", ""),
                             token=body.get("token", ""), message=body.get("message", ""))

    def pay(self, *, reference: str, bill: Bill) -> PaymentResult:
        return self._result(self._call("/v1/pay", {
            "reference": reference, "product": bill.product, "customer_no": bill.customer_no,
            "amount": bill.amount}))

    def status(self, *, reference: str) -> PaymentResult:
        return self._result(self._call(f"/v1/status/{reference}"))

    def reverse(self, *, reference: str) -> PaymentResult:
        return self._result(self._call("/v1/reverse", {"reference": reference}))

    def settlement(self, *, date: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self._call(f"/v1/settlement?date={date}")["rows"]
        return rows


def biller_gateway() -> BillerGateway:
    return HttpBillerGateway(settings.LUMBUNG_BILLER_URL, settings.LUMBUNG_BILLER_KEY,
                             settings.LUMBUNG_BILLER_TIMEOUT)
