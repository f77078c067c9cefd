"""What each staff screen shows and does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from lumbung.ledger.models import Account, ApprovalRequest, JournalEntry
from lumbung.tenancy.models import LoginFailure
from lumbung.tenancy.services import cooperative_register
from tests.conftest import BUSINESS_DATE, PASSWORD
from tests.web.conftest import book_counts, client_for, post_entry, queue_entry


def _url(name: str, city, **kwargs) -> str:
    return reverse(name, kwargs={"code": city.coop_a.code, **kwargs})


# ---------------------------------------------------------------- login, logout, home


def test_it_logs_in_and_sends_single_cooperative_staff_straight_in(city):
    client = Client()
    response = client.post(reverse("login"), {"username": "akuntan-a", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("cooperative", kwargs={"code": "ksp-a"})


def test_it_shows_the_login_page_in_indonesian_even_to_an_english_browser(city):
    response = Client().post(
        reverse("login"),
        {"username": "akuntan-a", "password": "salah"},
        HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9",
    )
    assert response.status_code == 400
    assert "Nama pengguna atau kata sandi salah." in response.content.decode()
    assert b"LOGIN_FAILED" in response.content


def test_it_locks_a_username_after_five_failures_even_for_the_right_password(city):
    client = Client()
    for _ in range(4):
        response = client.post(reverse("login"), {"username": "akuntan-a", "password": "x"})
        assert response.status_code == 400
    response = client.post(reverse("login"), {"username": "akuntan-a", "password": "x"})
    assert response.status_code == 429
    response = client.post(reverse("login"), {"username": "akuntan-a", "password": PASSWORD})
    assert response.status_code == 429
    page = response.content.decode()
    assert "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam 15 menit." in page
    assert "LOGIN_THROTTLED" in page
    assert "_auth_user_id" not in client.session
    assert LoginFailure.objects.filter(username="akuntan-a").count() == 5


def test_it_clears_failures_after_a_successful_login(city):
    client = Client()
    client.post(reverse("login"), {"username": "akuntan-a", "password": "x"})
    response = client.post(reverse("login"), {"username": "akuntan-a", "password": PASSWORD})
    assert response.status_code == 302
    assert LoginFailure.objects.filter(username="akuntan-a").count() == 0


def test_it_does_not_follow_a_next_url_to_another_site(city):
    response = Client().post(
        reverse("login"),
        {"username": "akuntan-a", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("home")


def test_it_logs_out_only_by_post(city):
    client = client_for(city.accountant_a)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def _more_cooperatives(city, count: int) -> None:
    for n in range(count):
        cooperative = cooperative_register(
            office=city.office_a, code=f"ksp-extra-{n}", name=f"KSP Tambahan {n}", kind="KSP",
            business_date=BUSINESS_DATE, kecamatan="Pekalongan Barat", kelurahan="Kergon",
            region_label="Barat", acting_user=None,
        )
        for _ in range(n):
            post_entry(cooperative, None)


def test_it_lists_the_dinas_jurisdiction_without_a_query_per_cooperative(
    city, django_assert_max_num_queries
):
    _more_cooperatives(city, 6)
    post_entry(city.coop_a, None)
    client = client_for(city.analyst_a)
    with django_assert_max_num_queries(8):  # 3 of them are the session
        response = client.get(reverse("home"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Dinas Koperasi Kota Pekalongan" in page
    assert "KSP Amanah A" in page and "KSP Tambahan 5" in page
    assert "KSPPS Berkah B" not in page
    assert "Noyontaan" in page and "Pekalongan Timur" in page and "Timur" in page
    rows = {c.name: c.entry_count for c in response.context["supervised"][0][1]}
    assert rows["KSP Amanah A"] == 1
    assert rows["KSP Tambahan 5"] == 5
    assert rows["KSP Tambahan 0"] == 0


# ---------------------------------------------------------------- chart of accounts


def test_it_shows_the_chart_as_a_tree_with_rolled_up_balances(city, django_assert_max_num_queries):
    post_entry(city.coop_a, None, amount=1_250_000_50)
    client = client_for(city.accountant_a)
    with django_assert_max_num_queries(8):
        response = client.get(_url("accounts", city))
    rows = {row.account.code: row for row in response.context["rows"]}
    assert rows["1"].depth == 0 and rows["11"].depth == 1 and rows["1101"].depth == 2
    assert rows["1101"].balance == 1_250_000_50
    assert rows["11"].balance == 1_250_000_50
    assert rows["1"].balance == 1_250_000_50
    assert rows["3103"].balance == 1_250_000_50
    assert "Rp1.250.000,50" in response.content.decode()
    assert len(rows) == Account.objects.filter(cooperative=city.coop_a).count()


def test_it_adds_a_detail_account(city):
    response = client_for(city.manager_a).post(
        _url("account_add", city), {"code": "1108", "name": "Kas kecil", "parent_code": "11"}
    )
    assert response.status_code == 302
    account = Account.objects.get(cooperative=city.coop_a, code="1108")
    assert (account.name, account.type, account.parent.code) == ("Kas kecil", "asset", "11")


def test_it_refuses_a_taken_account_code_and_keeps_the_form(city):
    before = book_counts()
    response = client_for(city.accountant_a).post(
        _url("account_add", city), {"code": "1101", "name": "Kas dobel", "parent_code": "11"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Kode akun 1101 sudah dipakai." in page and "LEDGER_ACCOUNT_CODE_TAKEN" in page
    assert 'value="Kas dobel"' in page
    assert book_counts() == before


# ---------------------------------------------------------------- journal


def test_it_lists_entries_newest_first_with_a_page_of_fixed_query_count(
    city, django_assert_max_num_queries
):
    for n in range(30):
        post_entry(city.coop_a, city.accountant_a, amount=(n + 1) * 100, description=f"uji {n}")
    client = client_for(city.accountant_a)
    # Session and user (3), access (2), count and page (2), the session's savepoint (2).
    with django_assert_max_num_queries(9):
        response = client.get(_url("journal_list", city))
    numbers = [entry.number for entry in response.context["page"].object_list]
    assert numbers == list(range(30, 5, -1))
    response = client.get(_url("journal_list", city) + "?hal=2")
    assert [e.number for e in response.context["page"].object_list] == [5, 4, 3, 2, 1]


def test_it_filters_the_journal_by_date(city):
    post_entry(city.coop_a, city.accountant_a)
    client = client_for(city.accountant_a)
    response = client.get(_url("journal_list", city) + "?dari=2026-11-21")
    assert list(response.context["page"].object_list) == []
    response = client.get(_url("journal_list", city) + "?dari=2026-11-20&sampai=2026-11-20")
    assert [e.number for e in response.context["page"].object_list] == [1]
    response = client.get(_url("journal_list", city) + "?dari=kemarin")
    assert "BAD_DATE" in response.content.decode()


def test_it_shows_an_entry_with_its_lines_totals_and_hashes(city):
    entry = post_entry(city.coop_a, city.accountant_a, amount=150_000_00)
    response = client_for(city.auditor_a).get(_url("journal_detail", city, number=entry.number))
    page = response.content.decode()
    assert entry.hash in page and entry.prev_hash in page
    assert "1101 Kas" in page and "3103 Modal penyetaraan" in page
    assert page.count("Rp150.000,00") == 4
    assert "Akuntan-A" in page
    # Only bookkeepers see the reverse button.
    assert "Balik (reverse)" not in page
    response = client_for(city.accountant_a).get(_url("journal_detail", city, number=1))
    assert "Balik (reverse)" in response.content.decode()


def test_it_answers_404_for_an_unknown_entry_number(city):
    response = client_for(city.accountant_a).get(_url("journal_detail", city, number=99))
    assert response.status_code == 404


def test_it_reverses_an_entry_once_and_links_both_ways(city):
    entry = post_entry(city.coop_a, city.accountant_a)
    client = client_for(city.accountant_a)
    response = client.post(_url("journal_reverse", city, number=entry.number))
    assert response["Location"] == _url("journal_detail", city, number=2)
    reversal = JournalEntry.objects.get(cooperative=city.coop_a, number=2)
    assert reversal.reverses_id == entry.pk
    page = client.get(_url("journal_detail", city, number=1)).content.decode()
    assert "Dibalik oleh" in page and "Balik (reverse)" not in page
    page = client.get(_url("journal_detail", city, number=2)).content.decode()
    assert "Membalik" in page and "Balik (reverse)" not in page

    response = client.post(_url("journal_reverse", city, number=entry.number), follow=True)
    assert "LEDGER_ALREADY_REVERSED" in response.content.decode()
    assert JournalEntry.objects.count() == 2


# ---------------------------------------------------------------- manual entry


def _entry_form(**overrides: str) -> dict[str, str]:
    data = {
        "token": "form-1",
        "rows": "6",
        "date": BUSINESS_DATE.isoformat(),
        "description": "Setoran modal penyetaraan",
        "line-0-account": "1101",
        "line-0-debit": "1.250.000,50",
        "line-1-account": "3103",
        "line-1-credit": "Rp 1.250.000,50",
    }
    data.update(overrides)
    return data


def test_it_offers_six_rows_dated_on_the_business_date(city):
    response = client_for(city.accountant_a).get(_url("entry_new", city))
    form = response.context["form"]
    assert len(form.rows) == 6
    assert form.date == "2026-11-20"
    codes = [account.code for account in response.context["accounts"]]
    assert "1101" in codes and "11" not in codes and "1110" not in codes


def test_it_posts_a_manual_entry_typed_in_indonesian_notation(city):
    response = client_for(city.accountant_a).post(_url("entry_new", city), _entry_form())
    entry = JournalEntry.objects.get(cooperative=city.coop_a)
    assert response["Location"] == _url("journal_detail", city, number=entry.number)
    assert entry.total == 1_250_000_50
    assert entry.maker == city.accountant_a
    assert [(x.account.code, x.debit, x.credit) for x in entry.lines.order_by("line_no")] == [
        ("1101", 1_250_000_50, 0),
        ("3103", 0, 1_250_000_50),
    ]


def test_it_posts_once_when_the_same_form_is_sent_twice(city):
    client = client_for(city.accountant_a)
    client.post(_url("entry_new", city), _entry_form())
    client.post(_url("entry_new", city), _entry_form())
    assert JournalEntry.objects.count() == 1


def test_it_queues_an_entry_above_the_limit_for_approval(city):
    response = client_for(city.accountant_a).post(
        _url("entry_new", city),
        _entry_form(**{"line-0-debit": "25.000.000", "line-1-credit": "25.000.000"}),
    )
    assert response["Location"] == _url("approvals", city)
    request = ApprovalRequest.objects.get()
    assert (request.amount, request.status) == (25_000_000_00, "pending")
    assert JournalEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "code", "shown"),
    [
        ({"line-1-credit": "1.000.000"}, "LEDGER_UNBALANCED", "Jurnal tidak seimbang"),
        ({"line-0-debit": "satu juta"}, "BAD_AMOUNT", "Jumlah uang tidak valid: satu juta"),
        ({"line-0-debit": "-5"}, "BAD_AMOUNT", "Jumlah uang tidak valid: -5"),
        ({"line-0-account": ""}, "BAD_INPUT", "baris 1: pilih akun"),
        ({"description": ""}, "LEDGER_DESCRIPTION_REQUIRED", "Keterangan jurnal wajib diisi"),
        ({"line-1-account": "11"}, "LEDGER_ACCOUNT_NOT_POSTABLE", "akun induk"),
        ({"date": "2026-11-21"}, "LEDGER_FUTURE_DATE", "melewati tanggal usaha"),
        ({"date": "2026-11-19"}, "LEDGER_BACKDATE_FORBIDDEN", "wewenang manajer"),
        ({"date": "20/11/2026"}, "BAD_DATE", "Tanggal tidak valid"),
    ],
)
def test_it_refuses_bad_input_keeps_what_was_typed_and_writes_nothing(
    city, overrides, code, shown
):
    before = book_counts()
    data = _entry_form(**overrides)
    response = client_for(city.accountant_a).post(_url("entry_new", city), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert f"Kode: {code}" in page
    assert shown in page
    assert f'value="{data["line-0-debit"]}"' in page
    assert f'value="{data["description"]}"' in page
    assert book_counts() == before


def test_it_lets_a_manager_back_date(city):
    client_for(city.manager_a).post(_url("entry_new", city), _entry_form(date="2026-11-19"))
    assert JournalEntry.objects.get().date == dt.date(2026, 11, 19)


def test_it_adds_a_row_without_javascript_and_keeps_the_rows(city):
    response = client_for(city.accountant_a).post(
        _url("entry_new", city), {**_entry_form(), "add_row": "1"}
    )
    assert response.status_code == 200
    rows = response.context["form"].rows
    assert len(rows) == 7
    assert rows[0].debit == "1.250.000,50"
    assert JournalEntry.objects.count() == 0


# ---------------------------------------------------------------- approvals


def test_it_shows_pending_requests_with_their_lines(city):
    queue_entry(city.coop_a, city.accountant_a)
    queue_entry(city.coop_b, city.teller_b)  # other tenant: never shown
    response = client_for(city.manager_a).get(_url("approvals", city))
    page = response.content.decode()
    assert "Pinjaman bank" in page and "Rp25.000.000,00" in page
    assert "1102 Bank - Giro" in page and "2201 Hutang bank jangka panjang" in page
    assert len(response.context["rows"]) == 1


def test_it_refuses_the_maker_approving_their_own_request(city):
    request = queue_entry(city.coop_a, city.manager_a, amount=150_000_000_00)
    client = client_for(city.manager_a)
    page = client.get(_url("approvals", city)).content.decode()
    assert "Ini permintaan Anda sendiri" in page
    response = client.post(
        _url("approval_decide", city, pk=request.pk), {"decision": "approve"}, follow=True
    )
    page = response.content.decode()
    assert "Pembuat transaksi tidak boleh menyetujui transaksinya sendiri." in page
    assert "APPROVAL_SELF" in page
    request.refresh_from_db()
    assert request.status == "pending"
    assert JournalEntry.objects.count() == 0


def test_it_approves_and_posts_as_the_manager(city):
    request = queue_entry(city.coop_a, city.accountant_a)
    response = client_for(city.manager_a).post(
        _url("approval_decide", city, pk=request.pk), {"decision": "approve"}
    )
    entry = JournalEntry.objects.get()
    assert response["Location"] == _url("journal_detail", city, number=entry.number)
    assert (entry.total, entry.maker, entry.approved_by) == (
        25_000_000_00, city.accountant_a, city.manager_a
    )


def test_it_refuses_an_approval_above_the_approvers_limit(city):
    request = queue_entry(city.coop_a, city.manager_a, amount=150_000_000_00)
    response = client_for(city.accountant_a).post(
        _url("approval_decide", city, pk=request.pk), {"decision": "approve"}, follow=True
    )
    assert "APPROVAL_LIMIT" in response.content.decode()
    assert JournalEntry.objects.count() == 0


def test_it_rejects_a_request_with_a_reason(city):
    request = queue_entry(city.coop_a, city.accountant_a)
    client_for(city.manager_a).post(
        _url("approval_decide", city, pk=request.pk), {"decision": "reject", "reason": "dobel"}
    )
    request.refresh_from_db()
    assert (request.status, request.reason, request.decided_by) == (
        "rejected", "dobel", city.manager_a
    )
    assert JournalEntry.objects.count() == 0


def test_it_answers_404_for_another_cooperatives_request(city):
    request = queue_entry(city.coop_b, city.teller_b, amount=100)
    response = client_for(city.manager_a).post(
        _url("approval_decide", city, pk=request.pk), {"decision": "reject"}
    )
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == "pending"


# ---------------------------------------------------------------- trial balance


def test_it_shows_the_trial_balance_with_totals_as_of_a_date(city):
    post_entry(city.coop_a, city.accountant_a, amount=150_000_00)
    client = client_for(city.accountant_a)
    response = client.get(_url("trial_balance", city))
    balance = response.context["balance"]
    assert [(x.account, x.debit, x.credit) for x in balance.lines] == [
        ("1101", 150_000_00, 0),
        ("3103", 0, 150_000_00),
    ]
    page = response.content.decode()
    assert page.count("Rp150.000,00") == 4
    assert "Seimbang" in page
    response = client.get(_url("trial_balance", city) + "?per=2026-11-19")
    assert response.context["balance"].lines == []


def test_it_downloads_the_trial_balance_as_csv(city):
    post_entry(city.coop_a, city.accountant_a, amount=150_000_50)
    response = client_for(city.accountant_a).get(_url("trial_balance_csv", city) + "?per=2026-11-20")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "neraca-saldo-ksp-a-2026-11-20.csv" in response["Content-Disposition"]
    assert response.content.decode().splitlines() == [
        "\ufeffkode_akun,nama_akun,debit,kredit",
        "1101,Kas,150000.50,0.00",
        "3103,Modal penyetaraan,0.00,150000.50",
        ",JUMLAH,150000.50,150000.50",
    ]


def test_it_lets_the_maker_withdraw_their_own_request(city):
    request = queue_entry(city.coop_a, city.manager_a, amount=150_000_000_00)
    client = client_for(city.manager_a)
    page = client.get(_url("approvals", city)).content.decode()
    assert "Tarik permintaan" in page
    client.post(_url("approval_decide", city, pk=request.pk), {"decision": "reject"})
    request.refresh_from_db()
    assert request.status == "rejected"
    assert request.decided_by == city.manager_a
    assert JournalEntry.objects.count() == 0


def test_the_csv_cannot_carry_a_spreadsheet_formula(city):
    from lumbung.ledger.services import account_create

    account_create(cooperative=city.coop_a, code="5391", name='=HYPERLINK("http://x","klik")',
                   parent_code="53", acting_user=city.accountant_a)
    from lumbung.ledger.services import LineSpec, journal_entry_post

    journal_entry_post(cooperative=city.coop_a, description="uji",
                       lines=[LineSpec("5391", debit=100), LineSpec("1101", credit=100)],
                       acting_user=city.accountant_a)
    rows = client_for(city.accountant_a).get(_url("trial_balance_csv", city)).content.decode()
    assert "'=HYPERLINK" in rows
    assert ',=HYPERLINK' not in rows
