from django.urls import path

app_name = "companions"
urlpatterns: list = []
