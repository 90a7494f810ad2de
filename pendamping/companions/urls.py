from django.urls import path

from pendamping.companions import views

app_name = "companions"
urlpatterns = [
    path("", views.companion_list_view, name="companion_list"),
    path("new/", views.companion_create, name="companion_create"),
    path("<int:pk>/", views.companion_detail, name="companion_detail"),
    path("<int:pk>/reveal/", views.companion_reveal, name="companion_reveal"),
    path("<int:pk>/edit/", views.companion_edit, name="companion_edit"),
    path("<int:pk>/assignments/new/", views.assignment_create, name="assignment_create"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment_end"),
]
