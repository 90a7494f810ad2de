from django.urls import path

from pendamping.dashboards import views

app_name = "dashboards"
urlpatterns = [path("map/", views.regency_map, name="regency_map")]
