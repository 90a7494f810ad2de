from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from config.api import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="registry:family_list", permanent=False), name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("pendamping.accounts.urls")),
    path("registry/", include("pendamping.registry.urls")),
    path("companions/", include("pendamping.companions.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
