"""Screens of supervision (mounted at the site root by lumbung/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
