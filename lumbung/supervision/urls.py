"""Screens of the Dinas console, under /dinas/<office code>/ (mounted by lumbung/urls.py)."""

from django.urls import path

from lumbung.supervision import views

P = "dinas/<slug:office>/"

urlpatterns = [
    path(P, views.registry_list, name="dinas_dashboard"),
    path(P + "register/", views.registry_list, name="dinas_registry"),
    path(P + "register.xlsx", views.registry_export, name="dinas_registry_export"),
    path(P + "register/baru/", views.entry_new, name="dinas_entry_new"),
    path(P + "register/impor/", views.registry_import, name="dinas_registry_import"),
    path(P + "register/impor/ditolak.xlsx", views.registry_import_errors,
         name="dinas_registry_import_errors"),
    path(P + "register/sinkron/", views.registry_sync, name="dinas_registry_sync"),
    path(P + "register/<slug:code>/", views.entry_detail, name="dinas_entry"),
    path(P + "register/<slug:code>/ubah/", views.entry_edit, name="dinas_entry_edit"),
]
