from pendamping.enterprise.views import classification, grant_use, iks_entries, ledger, reports, welfare

app_name = "enterprise"
urlpatterns = [
    *reports.urlpatterns,
    *grant_use.urlpatterns,
    *ledger.urlpatterns,
    *classification.urlpatterns,
    *welfare.urlpatterns,
    *iks_entries.urlpatterns,
]
