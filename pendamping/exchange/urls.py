"""Pages of the exchange app: imports, exports, offline forms, possible duplicates."""


app_name = "exchange"

urlpatterns: list = []
