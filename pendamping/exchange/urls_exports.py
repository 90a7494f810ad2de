"""The export pages, included by exchange/urls.py (app_name "exchange")."""

from django.urls import URLPattern, path

from pendamping.exchange.views import exports

urlpatterns: list[URLPattern] = [
    path("export/<slug:name>/", exports.export_list, name="export_list"),
    path("research/<int:study_id>/", exports.export_research, name="export_research"),
]
