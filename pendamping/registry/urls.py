from pendamping.registry.views import families, groups

app_name = "registry"
urlpatterns = [
    *families.urlpatterns,
    *groups.urlpatterns,
]
