"""Screens of the Dinas console, under /dinas/<office code>/ (mounted by lumbung/urls.py)."""

from django.urls import path

from lumbung.supervision import views

P = "dinas/<slug:office>/"

urlpatterns = [
    path(P, views.dashboard, name="dinas_dashboard"),
    path(P + "konsolidasi/<slug:dimension>/<str:value>/", views.group_detail, name="dinas_group"),
    path(P + "konsolidasi.xlsx", views.consolidation_xlsx, name="dinas_consolidation_xlsx"),
    path(P + "ods.xlsx", views.ods_xlsx, name="dinas_ods_xlsx"),
    path(P + "briefing.pdf", views.briefing_pdf, name="dinas_briefing_pdf"),
    path(P + "laporan/", views.reports_page, name="dinas_reports"),
    path(P + "laporan/templat.xlsx", views.upload_template, name="dinas_upload_template"),
    path(P + "register/", views.registry_list, name="dinas_registry"),
    path(P + "register.xlsx", views.registry_export, name="dinas_registry_export"),
    path(P + "register/baru/", views.entry_new, name="dinas_entry_new"),
    path(P + "register/impor/", views.registry_import, name="dinas_registry_import"),
    path(P + "register/impor/ditolak.xlsx", views.registry_import_errors,
         name="dinas_registry_import_errors"),
    path(P + "register/sinkron/", views.registry_sync, name="dinas_registry_sync"),
    path(P + "register/<slug:code>/", views.entry_detail, name="dinas_entry"),
    path(P + "register/<slug:code>/ubah/", views.entry_edit, name="dinas_entry_edit"),
    path(P + "kesehatan/", views.ratings_list, name="dinas_ratings"),
    path(P + "kesehatan/<int:pk>/", views.rating_detail, name="dinas_rating"),
    path(P + "kesehatan/<int:pk>.pdf", views.rating_pdf, name="dinas_rating_pdf"),
    path(P + "register/<slug:code>/nilai/", views.rating_new, name="dinas_rating_new"),
    path(P + "peringatan/", views.alerts_list, name="dinas_alerts"),
    path(P + "peringatan/perbarui/", views.alerts_refresh, name="dinas_alerts_refresh"),
    path(P + "peringatan/<int:pk>/", views.alert_update, name="dinas_alert_update"),
    path(P + "program/", views.rollout_page, name="dinas_rollout"),
    path(P + "program/kegiatan/baru/", views.event_new, name="dinas_event_new"),
    path(P + "register/<slug:code>/tahap/", views.stage_record, name="dinas_stage_record"),
    path(P + "register/<slug:code>/pendamping/", views.facilitator_set,
         name="dinas_facilitator_set"),
]
