"""Screens of loans (mounted at the site root by lumbung/urls.py)."""

from django.urls import URLPattern, path

from lumbung.loans import views, views_products, views_quality

urlpatterns: list[URLPattern] = [
    path("simulasi-pinjaman/", views.simulation, name="loan_simulation"),
    path("k/<slug:code>/pinjaman/", views.loan_list, name="loans"),
    path("k/<slug:code>/pinjaman/ajukan/", views.application_new, name="loan_application_new"),
    path("k/<slug:code>/pinjaman/pengajuan/", views.applications, name="loan_applications"),
    path("k/<slug:code>/pinjaman/pengajuan/<int:pk>/putuskan/", views.application_decide,
         name="loan_application_decide"),
    path("k/<slug:code>/pinjaman/portofolio/", views.portfolio, name="loan_portfolio"),
    path("k/<slug:code>/pinjaman/tunggakan/", views.overdue, name="loan_overdue"),
    path("k/<slug:code>/pinjaman/<int:pk>/", views.loan_detail, name="loan_detail"),
    path("k/<slug:code>/pinjaman/<int:pk>/cairkan/", views.disburse, name="loan_disburse"),
    path("k/<slug:code>/pinjaman/<int:pk>/bayar/", views.repay, name="loan_repay"),
    path("k/<slug:code>/pinjaman/<int:pk>/autodebet/", views.standing_instruction,
         name="loan_standing_instruction"),
    path("k/<slug:code>/pinjaman/<int:pk>/perjanjian.pdf", views.contract_pdf,
         name="loan_contract"),
    # Products and the cooperative's own BMPP (views_products.py).
    path("k/<slug:code>/pinjaman/produk/", views_products.product_list, name="loan_products"),
    path("k/<slug:code>/pinjaman/produk/<int:pk>/", views_products.product_edit,
         name="loan_product_edit"),
    path("k/<slug:code>/pinjaman/produk/salin/", views_products.product_copy,
         name="loan_product_copy"),
    path("k/<slug:code>/pinjaman/produk/bmpp/", views_products.lending_limit,
         name="loan_lending_limit"),
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
