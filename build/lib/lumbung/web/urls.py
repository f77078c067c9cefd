from django.urls import path

from lumbung.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("masuk/", views.login_view, name="login"),
    path("keluar/", views.logout_view, name="logout"),
    path("k/<slug:code>/", views.cooperative_home, name="cooperative"),
    path("k/<slug:code>/akun/", views.accounts, name="accounts"),
    path("k/<slug:code>/akun/tambah/", views.account_add, name="account_add"),
    path("k/<slug:code>/jurnal/", views.journal_list, name="journal_list"),
    path("k/<slug:code>/jurnal/baru/", views.entry_new, name="entry_new"),
    path("k/<slug:code>/jurnal/<int:number>/", views.journal_detail, name="journal_detail"),
    path("k/<slug:code>/jurnal/<int:number>/balik/", views.journal_reverse,
         name="journal_reverse"),
    path("k/<slug:code>/persetujuan/", views.approvals, name="approvals"),
    path("k/<slug:code>/persetujuan/<int:pk>/putuskan/", views.approval_decide_view,
         name="approval_decide"),
    path("k/<slug:code>/neraca-saldo/", views.trial_balance_view, name="trial_balance"),
    path("k/<slug:code>/neraca-saldo.csv", views.trial_balance_csv, name="trial_balance_csv"),
]
