"""Screens of portal (mounted at the site root by lumbung/urls.py)."""

from django.urls import URLPattern, path

from lumbung.portal import views

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
    # The public check of a receipt's QR code (the teller's receipts point here too).
    path("v/<slug:code>/<int:number>/<str:fingerprint>/", views.verify, name="verify"),
    path("k/<slug:code>/pin-anggota/", views.pin_screen, name="pins"),
]
