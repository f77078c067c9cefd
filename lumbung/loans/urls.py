"""Screens of loans (mounted at the site root by lumbung/urls.py)."""

from django.urls import path

from lumbung.loans import views

urlpatterns = [
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
    path("k/<slug:code>/pinjaman/<int:pk>/perjanjian.pdf", views.contract_pdf,
         name="loan_contract"),
]
