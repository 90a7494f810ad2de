from pendamping.enterprise.views import classification, grant_use, ledger, reports

app_name = "enterprise"
urlpatterns = [*reports.urlpatterns, *grant_use.urlpatterns, *ledger.urlpatterns, *classification.urlpatterns]
