"""Screens of portal (mounted at the site root by lumbung/urls.py)."""

from django.urls import URLPattern, path

from lumbung.portal import views, views_loans, views_shu, views_withdrawals

app_name = "portal"

urlpatterns: list[URLPattern] = [
    path("m/<slug:code>/", views.home, name="home"),
    path("m/<slug:code>/masuk/", views.login, name="login"),
    path("m/<slug:code>/kode/", views.one_time_code, name="code"),
    path("m/<slug:code>/keluar/", views.logout, name="logout"),
    path("m/<slug:code>/umpan/", views.feed_stream, name="feed_stream"),
    path("m/<slug:code>/umpan.json", views.feed_json, name="feed_json"),
    path("m/<slug:code>/transaksi/<int:number>/", views.receipt, name="receipt"),
    path("m/<slug:code>/bayar/", views.bill_new, name="bill_new"),
    path("m/<slug:code>/bayar/<int:pk>/", views.bill_detail, name="bill"),
    path("m/<slug:code>/transfer/", views.transfer, name="transfer"),
    path("m/<slug:code>/pengaturan/", views.preferences, name="preferences"),
    path("m/<slug:code>/manifest.webmanifest", views.manifest, name="manifest"),
    path("m/<slug:code>/sw.js", views.service_worker, name="service_worker"),
    path("m/<slug:code>/pinjaman/", views_loans.loans_home, name="loans"),
    path("m/<slug:code>/pinjaman/simulasi/", views_loans.loan_simulation, name="loan_simulation"),
    path("m/<slug:code>/pinjaman/ajukan/", views_loans.loan_apply, name="loan_apply"),
    path("m/<slug:code>/pinjaman/pengajuan/<int:pk>/", views_loans.loan_application,
         name="loan_application"),
    path("m/<slug:code>/pinjaman/dokumen/<int:pk>/", views_loans.loan_document,
         name="loan_document"),
    path("m/<slug:code>/shu/", views_shu.shu_list, name="shu"),
    path("m/<slug:code>/shu/<int:year>/slip.pdf", views_shu.shu_slip, name="shu_slip"),
    path("m/<slug:code>/tarik/", views_withdrawals.member_withdrawals, name="withdrawals"),
    path("m/<slug:code>/tarik/<int:pk>/batal/", views_withdrawals.member_withdrawal_cancel,
         name="withdrawal_cancel"),
    path("k/<slug:code>/pin-anggota/", views.pin_screen, name="pins"),
    path("k/<slug:code>/penarikan-anggota/", views_withdrawals.counter_withdrawals,
         name="counter_withdrawals"),
    path("k/<slug:code>/penarikan-anggota/<int:pk>/bayar/",
         views_withdrawals.counter_withdrawal_pay, name="counter_withdrawal_pay"),
    path("k/<slug:code>/pinjaman/pengajuan/<int:application>/dokumen/<int:pk>/",
         views_loans.loan_document_staff, name="loan_document_staff"),
]
