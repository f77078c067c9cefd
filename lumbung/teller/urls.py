"""Screens of teller (mounted at the site root by lumbung/urls.py)."""

from django.urls import path

from lumbung.teller import views

urlpatterns = [
    path("k/<slug:code>/kasir/", views.teller_home, name="teller_home"),
    path("k/<slug:code>/kasir/buka/", views.teller_open, name="teller_open"),
    path("k/<slug:code>/kasir/setor/", views.teller_deposit, name="teller_deposit"),
    path("k/<slug:code>/kasir/tarik/", views.teller_withdraw, name="teller_withdraw"),
    path("k/<slug:code>/kasir/anggota-baru/", views.teller_admit, name="teller_admit"),
    path("k/<slug:code>/kasir/angsuran/", views.teller_loan_repay, name="teller_loan_repay"),
    path("k/<slug:code>/kasir/pindah-kas/", views.teller_transfer, name="teller_transfer"),
    path("k/<slug:code>/kasir/tutup/", views.teller_close, name="teller_close"),
    path("k/<slug:code>/kasir/sesi/<int:pk>/", views.teller_session, name="teller_session"),
    path("k/<slug:code>/kasir/laci/", views.teller_drawers, name="teller_drawers"),
    path("k/<slug:code>/kasir/laci/tambah/", views.teller_drawer_add, name="teller_drawer_add"),
    path("k/<slug:code>/kasir/bukti/<int:pk>/", views.teller_receipt, name="teller_receipt"),
    path("k/<slug:code>/kasir/bukti/<int:pk>/<str:paper>.pdf", views.teller_receipt_pdf,
         name="teller_receipt_pdf"),
    path("v/<slug:code>/<int:number>/<str:prefix>/", views.receipt_verify, name="receipt_verify"),
]
