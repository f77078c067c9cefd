"""Screens of teller (mounted at the site root by lumbung/urls.py)."""

from django.urls import path

from lumbung.teller import views

urlpatterns = [
    path("v/<slug:code>/<int:number>/<str:prefix>/", views.receipt_verify, name="receipt_verify"),
]
