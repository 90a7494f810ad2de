from django.urls import path

from pendamping.companions.views import appraisal, briefing, internship, lifecycle, people, recruitment, visits

app_name = "companions"
urlpatterns = [
    path("", people.companion_list_view, name="companion_list"),
    path("new/", people.companion_create, name="companion_create"),
    path("<int:pk>/", people.companion_detail, name="companion_detail"),
    path("<int:pk>/reveal/", people.companion_reveal, name="companion_reveal"),
    path("<int:pk>/edit/", people.companion_edit, name="companion_edit"),
    path("<int:pk>/assignments/new/", people.assignment_create, name="assignment_create"),
    path("assignments/<int:pk>/end/", people.assignment_end, name="assignment_end"),
    *lifecycle.urlpatterns,
    *recruitment.urlpatterns,
    *briefing.urlpatterns,
    *internship.urlpatterns,
    *visits.urlpatterns,
    *appraisal.urlpatterns,
]
