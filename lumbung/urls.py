from django.urls import include, path

from lumbung.api.views import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # One include per domain app, each owning its own URL names.
    path("", include("lumbung.savings.urls")),
    path("", include("lumbung.teller.urls")),
    path("", include("lumbung.loans.urls")),
    path("", include("lumbung.reports.urls")),
    path("", include("lumbung.supervision.urls")),
    path("", include("lumbung.portal.urls")),
    path("", include("lumbung.web.urls")),
]
