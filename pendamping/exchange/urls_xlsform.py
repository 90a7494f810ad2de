"""The offline-form pages, included by exchange/urls.py (app_name "exchange")."""

from django.urls import URLPattern, path

from pendamping.exchange.views import xlsform

urlpatterns: list[URLPattern] = [
    path("forms/", xlsform.form_list, name="form_list"),
    path("forms/visits.xlsx", xlsform.form_file, {"form": "visits"}, name="form_visits"),
    path("forms/reports.xlsx", xlsform.form_file, {"form": "reports"}, name="form_reports"),
    path("forms/instrument/<int:version_id>.xlsx", xlsform.instrument_file, name="form_instrument"),
]
