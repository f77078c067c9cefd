"""Who may open which screen and who may write: the tenant walls of every staff URL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lumbung.audit.models import AuditEvent
from tests.web.conftest import book_counts, client_for, post_entry, queue_entry, supervision_reads

READ_SCREENS = {
    # screen name in the audit action -> (url name, needs an entry)
    "accounts": ("accounts", False),
    "journal": ("journal_list", False),
    "journal_entry": ("journal_detail", True),
    "approvals": ("approvals", False),
    "trial_balance": ("trial_balance", False),
    "trial_balance_csv": ("trial_balance_csv", False),
}


def _read_url(city, screen: str, cooperative=None) -> str:
    cooperative = cooperative or city.coop_a
    url_name, needs_entry = READ_SCREENS[screen]
    kwargs: dict[str, Any] = {"code": cooperative.code}
    if needs_entry:
        kwargs["number"] = post_entry(cooperative, None).number
    return reverse(url_name, kwargs=kwargs)


@pytest.mark.parametrize("screen", READ_SCREENS)
@pytest.mark.parametrize("who", ["accountant_a", "manager_a", "teller_a", "auditor_a"])
def test_it_shows_every_screen_to_staff_of_the_cooperative(city, screen, who):
    response = client_for(getattr(city, who)).get(_read_url(city, screen))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action__startswith="supervision.read").count() == 0


@pytest.mark.parametrize("screen", READ_SCREENS)
def test_it_answers_404_to_staff_of_another_cooperative(city, screen):
    response = client_for(city.teller_b).get(_read_url(city, screen))
    assert response.status_code == 404


@pytest.mark.parametrize("screen", READ_SCREENS)
def test_it_lets_the_dinas_read_its_cooperative_and_audits_each_read(city, screen):
    client = client_for(city.analyst_a)
    url = _read_url(city, screen)
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert supervision_reads(city.analyst_a, screen) == 2
    event = AuditEvent.objects.filter(action=f"supervision.read.{screen}").first()
    assert event.cooperative_id == city.coop_a.pk
    assert event.office_id == city.office_a.pk


@pytest.mark.parametrize("screen", READ_SCREENS)
def test_it_answers_404_to_the_dinas_outside_its_jurisdiction(city, screen):
    response = client_for(city.analyst_a).get(_read_url(city, screen, city.coop_b))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action__startswith="supervision.read").count() == 0


def test_it_sends_anonymous_visitors_to_the_login_page(city):
    response = Client().get(_read_url(city, "accounts"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# ---------------------------------------------------------------- writes


@dataclass
class Write:
    url: Callable[[Any], str]
    data: Callable[[Any], dict[str, str]]
    # The roles that may do it, by fixture name.
    allowed: tuple[str, ...]


def _entry_url(city) -> str:
    return reverse("entry_new", kwargs={"code": city.coop_a.code})


def _reverse_url(city) -> str:
    entry = post_entry(city.coop_a, city.accountant_a)
    return reverse("journal_reverse", kwargs={"code": city.coop_a.code, "number": entry.number})


def _decide_url(city) -> str:
    request = queue_entry(city.coop_a, city.accountant_a)
    return reverse("approval_decide", kwargs={"code": city.coop_a.code, "pk": request.pk})


WRITES = {
    "account_add": Write(
        url=lambda city: reverse("account_add", kwargs={"code": city.coop_a.code}),
        data=lambda city: {"code": "1108", "name": "Kas kecil", "parent_code": "11"},
        allowed=("accountant_a", "manager_a"),
    ),
    "entry_new": Write(
        url=_entry_url,
        data=lambda city: {
            "token": "t1",
            "rows": "2",
            "date": "2026-11-20",
            "description": "Setoran modal",
            "line-0-account": "1101",
            "line-0-debit": "100.000",
            "line-1-account": "3103",
            "line-1-credit": "100.000",
        },
        allowed=("accountant_a", "manager_a"),
    ),
    "journal_reverse": Write(url=_reverse_url, data=lambda city: {},
                             allowed=("accountant_a", "manager_a")),
    "approval_decide": Write(url=_decide_url, data=lambda city: {"decision": "approve"},
                             allowed=("manager_a",)),
}


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("who", ["teller_a", "auditor_a", "analyst_a"])
def test_it_refuses_writes_without_the_role_and_writes_nothing(city, write, who):
    spec = WRITES[write]
    url = spec.url(city)
    before = book_counts()
    audit_before = AuditEvent.objects.count()
    response = client_for(getattr(city, who)).post(url, spec.data(city))
    assert response.status_code == 403
    assert b"PERMISSION_DENIED" in response.content
    assert "tidak berwenang" in response.content.decode()
    assert book_counts() == before
    assert AuditEvent.objects.count() == audit_before


@pytest.mark.parametrize("write", WRITES)
def test_it_answers_404_to_writes_from_another_cooperative(city, write):
    spec = WRITES[write]
    url = spec.url(city)
    before = book_counts()
    response = client_for(city.teller_b).post(url, spec.data(city))
    assert response.status_code == 404
    assert book_counts() == before


@pytest.mark.parametrize("write", WRITES)
def test_it_lets_the_right_role_write(city, write):
    spec = WRITES[write]
    url = spec.url(city)
    before = book_counts()
    response = client_for(getattr(city, spec.allowed[0])).post(url, spec.data(city))
    assert response.status_code == 302
    assert book_counts() != before


@pytest.mark.parametrize("who", ["teller_a", "auditor_a", "analyst_a"])
def test_it_refuses_the_manual_entry_form_itself_without_the_role(city, who):
    response = client_for(getattr(city, who)).get(_entry_url(city))
    assert response.status_code == 403
    assert supervision_reads(city.analyst_a, "entry_new") == 0


def test_it_refuses_get_on_post_endpoints(city):
    response = client_for(city.accountant_a).get(_reverse_url(city))
    assert response.status_code == 405
