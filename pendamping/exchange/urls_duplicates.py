"""The possible-duplicates pages, included into the exchange app's URLs (namespace "exchange")."""

from django.urls import URLPattern, path

from pendamping.exchange.views import duplicates

urlpatterns: list[URLPattern] = [
    path("duplicates/", duplicates.duplicate_list_view, name="duplicate_list"),
    path("duplicates/<int:pk>/", duplicates.duplicate_detail, name="duplicate_detail"),
    path("duplicates/<int:pk>/merge/", duplicates.duplicate_merge_view, name="duplicate_merge"),
    path("duplicates/<int:pk>/dismiss/", duplicates.duplicate_dismiss_view, name="duplicate_dismiss"),
    path("duplicates/<int:pk>/resolve/", duplicates.duplicate_resolve_view, name="duplicate_resolve"),
]
