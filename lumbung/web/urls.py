from django.urls import path

from lumbung.web import views

urlpatterns = [
    path("", views.home, name="home"),
]
