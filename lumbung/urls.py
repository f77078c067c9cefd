from django.urls import include, path

urlpatterns = [
    path("", include("lumbung.web.urls")),
]
