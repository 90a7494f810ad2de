from django.urls import path

from pendamping.core import views

app_name = "core"
urlpatterns = [path("", views.guide, name="guide")]
