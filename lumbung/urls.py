from django.urls import include, path

from lumbung.api.views import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("lumbung.web.urls")),
]
