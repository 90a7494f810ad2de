from django.contrib import admin
from django.urls import include, path

from config.api import api
from pendamping.dashboards import views as dashboard_views

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("pendamping.accounts.urls")),
    path("dashboards/", include("pendamping.dashboards.urls")),
    path("registry/", include("pendamping.registry.urls")),
    path("companions/", include("pendamping.companions.urls")),
    path("enterprise/", include("pendamping.enterprise.urls")),
    path("partnerships/", include("pendamping.partnerships.urls")),
    path("complaints/", include("pendamping.complaints.urls")),
    path("evaluation/", include("pendamping.evaluation.urls")),
    path("exchange/", include("pendamping.exchange.urls")),
    path("panduan/", include("pendamping.core.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
