"""Indonesian by default whatever the browser asks; English only when the user picks it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from lumbung.ledger.models import JournalEntry
from tests.conftest import BUSINESS_DATE, PASSWORD
from tests.web.conftest import client_for, post_entry

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
SWITCH = f'action="{reverse("set_language")}"'


def _url(name: str, city, **kwargs) -> str:
    return reverse(name, kwargs={"code": city.coop_a.code, **kwargs})


def _choose(client: Client, language: str, next_url: str = "/") -> None:
    response = client.post(reverse("set_language"), {"language": language, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == language


def _page(client: Client, url: str, status: int = 200, **extra: str) -> str:
    response = client.get(url, **extra)
    assert response.status_code == status, url
    return response.content.decode()


def _unbalanced_entry() -> dict[str, str]:
    return {
        "token": "form-lang",
        "rows": "6",
        "date": BUSINESS_DATE.isoformat(),
        "description": "Setoran modal",
        "line-0-account": "1101",
        "line-0-debit": "1.250.000",
        "line-1-account": "3103",
        "line-1-credit": "1.000.000",
    }


def test_it_shows_indonesian_to_an_english_browser_until_english_is_chosen(city):
    post_entry(city.coop_a, city.accountant_a)
    anonymous = Client()
    page = _page(anonymous, reverse("login"), **ENGLISH_BROWSER)
    assert '<html lang="id">' in page
    assert "Masuk ke Lumbung" in page and "Log in to Lumbung" not in page

    analyst = client_for(city.analyst_a)
    page = _page(analyst, reverse("home"), **ENGLISH_BROWSER)
    assert "Pilih koperasi" in page and "aktif" in page

    accountant = client_for(city.accountant_a)
    response = accountant.get(_url("journal_list", city), **ENGLISH_BROWSER)
    assert response["Content-Language"] == "id"
    page = response.content.decode()
    assert "Jurnal umum" in page and "Setoran modal" in page
    assert "General journal" not in page


def test_it_shows_the_login_page_home_and_journal_in_english_once_chosen(city):
    post_entry(city.coop_a, city.accountant_a)

    anonymous = Client()
    _choose(anonymous, "en", reverse("login"))
    page = _page(anonymous, reverse("login"))
    assert '<html lang="en">' in page
    assert "Log in to Lumbung" in page and "Username" in page and "Password" in page
    assert "Masuk ke Lumbung" not in page
    refused = anonymous.post(reverse("login"), {"username": "akuntan-a", "password": "salah"})
    assert refused.status_code == 400
    assert "Wrong username or password." in refused.content.decode()
    # The choice outlives logging in: the cookie is the browser's, not the session's.
    anonymous.post(reverse("login"), {"username": "analis-a", "password": PASSWORD})
    page = _page(anonymous, reverse("home"))
    assert "Choose a cooperative" in page and "Pilih koperasi" not in page
    assert "Supervision area" in page and "active" in page
    assert "Area Kota Pekalongan, Jawa Tengah · 1 cooperative." in page

    accountant = client_for(city.accountant_a)
    _choose(accountant, "en", _url("journal_list", city))
    response = accountant.get(_url("journal_list", city))
    assert response["Content-Language"] == "en"
    page = response.content.decode()
    assert "General journal" in page and "Jurnal umum" not in page
    assert "Chart of accounts" in page and "Trial balance" in page and "Log out" in page
    # Amounts keep the Indonesian notation in English too.
    assert "Rp150.000,00" in page


def test_it_shows_an_error_message_and_a_flash_message_in_english(city):
    client = client_for(city.accountant_a)
    _choose(client, "en", _url("entry_new", city))
    response = client.post(_url("entry_new", city), _unbalanced_entry())
    assert response.status_code == 400
    page = response.content.decode()
    assert "Unbalanced entry: total debit Rp1.250.000,00 differs from total credit" in page
    assert "Code: LEDGER_UNBALANCED" in page
    assert "Jurnal tidak seimbang" not in page
    assert "Post entry" in page and "Line 1" in page

    missing_account = {**_unbalanced_entry(), "line-0-account": ""}
    page = client.post(_url("entry_new", city), missing_account).content.decode()
    assert "Invalid input: line 1: choose an account" in page

    balanced = {**_unbalanced_entry(), "line-1-credit": "1.250.000"}
    response = client.post(_url("entry_new", city), balanced, follow=True)
    entry = JournalEntry.objects.get(cooperative=city.coop_a)
    page = response.content.decode()
    assert f"Entry #{entry.number} posted." in page
    assert "Previous hash (prev_hash)" in page and "Reverse this entry" in page


def test_it_names_months_in_the_chosen_language(city):
    client = client_for(city.accountant_a)
    url = _url("trial_balance", city) + "?per=2026-10-01"
    assert "Neraca saldo per 1 Oktober 2026" in _page(client, url)
    _choose(client, "en", url)
    assert "Trial balance as of 1 October 2026" in _page(client, url)


def test_it_switches_back_to_indonesian(city):
    client = client_for(city.accountant_a)
    url = _url("accounts", city)
    _choose(client, "en", url)
    page = _page(client, url)
    assert "Chart of accounts" in page and "Assets" in page
    _choose(client, "id", url)
    page = _page(client, url, **ENGLISH_BROWSER)
    assert '<html lang="id">' in page
    assert "Bagan akun" in page and "Aset" in page and "Chart of accounts" not in page


def test_it_ignores_a_language_cookie_it_does_not_offer(city):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert "Masuk ke Lumbung" in _page(client, reverse("login"), **ENGLISH_BROWSER)


@pytest.mark.parametrize("language", ["id", "en"])
def test_it_offers_the_switch_on_every_page(city, language):
    entry = post_entry(city.coop_a, city.accountant_a)
    other = "en" if language == "id" else "id"
    # Each language is named in itself, so someone who cannot read the page still finds it.
    other_name = {"en": "English", "id": "Bahasa Indonesia"}[other]
    accountant, analyst, teller, anonymous = (
        client_for(city.accountant_a), client_for(city.analyst_a),
        client_for(city.teller_a), Client(),
    )
    pages = [
        (anonymous, reverse("login"), 200),
        (analyst, reverse("home"), 200),
        (accountant, _url("accounts", city), 200),
        (accountant, _url("journal_list", city), 200),
        (accountant, _url("journal_detail", city, number=entry.number), 200),
        (accountant, _url("entry_new", city), 200),
        (accountant, _url("approvals", city), 200),
        (accountant, _url("trial_balance", city), 200),
        (teller, _url("entry_new", city), 403),
        (accountant, _url("journal_detail", city, number=999), 404),
    ]
    for client in (accountant, analyst, teller, anonymous):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for client, url, status in pages:
        page = _page(client, url, status)
        assert SWITCH in page, url
        assert f'name="language" value="{other}" lang="{other}"' in page, url
        assert f"lang-choice\">{other_name}</button>" in page, url
        assert f'<input type="hidden" name="next" value="{url}">' in page, url
        assert f'<html lang="{language}">' in page, url


def test_it_returns_a_refused_account_form_to_the_chart_after_switching(city):
    client = client_for(city.accountant_a)
    page = client.post(
        _url("account_add", city), {"parent_code": "11", "code": "1108", "name": ""}
    ).content.decode()
    assert "nama akun wajib diisi" in page
    assert f'<input type="hidden" name="next" value="{_url("accounts", city)}">' in page
