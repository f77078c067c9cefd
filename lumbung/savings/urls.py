"""Screens of savings (mounted at the site root by lumbung/urls.py)."""

from django.urls import URLPattern, path

from lumbung.savings import views

urlpatterns: list[URLPattern] = [
    path("k/<slug:code>/anggota/", views.members, name="members"),
    path("k/<slug:code>/anggota/baru/", views.member_new, name="member_new"),
    path("k/<slug:code>/anggota/<int:pk>/", views.member_detail, name="member_detail"),
    path("k/<slug:code>/anggota/<int:pk>/tampilkan/", views.member_reveal,
         name="member_reveal"),
    path("k/<slug:code>/anggota/<int:pk>/foto-ktp/", views.member_ktp_photo,
         name="member_ktp_photo"),
    path("k/<slug:code>/anggota/<int:pk>/foto-ktp/unggah/", views.member_ktp_photo_upload,
         name="member_ktp_photo_upload"),
    path("k/<slug:code>/anggota/<int:pk>/terima/", views.member_admit_view, name="member_admit"),
    path("k/<slug:code>/anggota/<int:pk>/rekening/", views.account_open_view,
         name="savings_account_open"),
    path("k/<slug:code>/anggota/<int:pk>/keluar/", views.member_exit_view, name="member_exit"),
    path("k/<slug:code>/simpanan/", views.accounts, name="savings_accounts"),
    path("k/<slug:code>/simpanan/produk/", views.products, name="savings_products"),
    path("k/<slug:code>/simpanan/produk/<int:pk>/", views.product_edit,
         name="savings_product_edit"),
    path("k/<slug:code>/simpanan/bonus-wadiah/", views.wadiah_bonus,
         name="savings_wadiah_bonus"),
    path("k/<slug:code>/simpanan/bonus-wadiah/berikan/", views.wadiah_bonus_grant_view,
         name="savings_wadiah_bonus_grant"),
    path("k/<slug:code>/simpanan/<str:number>/", views.passbook, name="savings_passbook"),
    path("k/<slug:code>/simpanan/<str:number>/buku.pdf", views.passbook_pdf,
         name="savings_passbook_pdf"),
    path("k/<slug:code>/simpanan/<str:number>/mutasi.xlsx", views.passbook_xlsx,
         name="savings_passbook_xlsx"),
]
