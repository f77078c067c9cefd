"""Screens of reports (mounted at the site root by lumbung/urls.py)."""

from django.urls import URLPattern, path

from lumbung.reports import views

urlpatterns: list[URLPattern] = [
    path("k/<slug:code>/laporan/", views.statement_view, name="reports"),
    path("k/<slug:code>/tutup-buku/", views.close_view, name="period_close"),
    path("k/<slug:code>/tutup-buku/aksi/", views.close_action, name="period_close_action"),
    path("k/<slug:code>/shu/", views.shu_view, name="shu"),
    path("k/<slug:code>/shu/aksi/", views.shu_action, name="shu_action"),
    path("k/<slug:code>/rat/", views.rat_view, name="rat"),
    path("k/<slug:code>/rat/aksi/", views.rat_action, name="rat_action"),
]
