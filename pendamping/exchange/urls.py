"""Pages of the exchange app: imports, exports, offline forms, possible duplicates."""

from django.urls import path

from pendamping.exchange import urls_duplicates, urls_exports, urls_xlsform
from pendamping.exchange.views import downloads, imports

app_name = "exchange"

urlpatterns = [
    path("imports/", imports.import_list, name="import_list"),
    path("imports/new/", imports.import_start, name="import_start"),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/configure/", imports.import_configure, name="import_configure"),
    path("imports/<int:pk>/run/", imports.import_run, name="import_run"),
    path("imports/<int:pk>/undo/", imports.import_undo, name="import_undo"),
    path("imports/<int:pk>/errors/", downloads.import_errors, name="import_errors"),
    path("imports/<int:pk>/to-fix/", downloads.import_rejected, name="import_rejected"),
    path("templates/<slug:kind>.xlsx", downloads.import_template, name="import_template"),
    path("mappings/", downloads.mapping_list, name="mapping_list"),
    path("mappings/<int:pk>/delete/", downloads.mapping_delete, name="mapping_delete"),
]

urlpatterns += urls_xlsform.urlpatterns + urls_exports.urlpatterns + urls_duplicates.urlpatterns
