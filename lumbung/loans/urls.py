"""Screens of loans (mounted at the site root by lumbung/urls.py)."""

from django.urls import URLPattern, path

from lumbung.loans import views_quality

urlpatterns: list[URLPattern] = [
    # Loan quality and problem loans (views_quality.py).
    path("k/<slug:code>/pinjaman/kebijakan-kolektibilitas/", views_quality.collectibility_policy,
         name="loan_collectibility_policy"),
    path("k/<slug:code>/pinjaman/kebijakan-kolektibilitas/simpan/",
         views_quality.collectibility_policy_save, name="loan_collectibility_policy_save"),
    path("k/<slug:code>/pinjaman/hapus-buku/", views_quality.write_offs, name="loan_write_offs"),
    path("k/<slug:code>/pinjaman/hapus-buku/<int:pk>/pemulihan/",
         views_quality.write_off_recovery, name="loan_write_off_recovery"),
    path("k/<slug:code>/pinjaman/<int:pk>/kualitas/", views_quality.loan_quality,
         name="loan_quality"),
    path("k/<slug:code>/pinjaman/<int:pk>/restrukturisasi/", views_quality.loan_restructure,
         name="loan_restructure"),
    path("k/<slug:code>/pinjaman/<int:pk>/hapus-buku/", views_quality.loan_write_off,
         name="loan_write_off"),
    path("k/<slug:code>/pinjaman/<int:pk>/nisbah/", views_quality.loan_profit_terms,
         name="loan_profit_terms"),
    path("k/<slug:code>/pinjaman/<int:pk>/laporan-bagi-hasil/", views_quality.loan_profit_report,
         name="loan_profit_report"),
]
