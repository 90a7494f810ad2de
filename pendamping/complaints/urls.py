from django.urls import path

from pendamping.complaints.views import office, public

app_name = "complaints"
urlpatterns = [
    path("", office.complaint_list_view, name="complaint_list"),
    path("new/", office.complaint_create, name="complaint_create"),
    path("<int:pk>/", office.complaint_detail, name="complaint_detail"),
    path("<int:pk>/assign/", office.complaint_assign, name="complaint_assign"),
    path("<int:pk>/status/", office.complaint_status, name="complaint_status"),
    # No login: anyone may complain, and follow their complaint by its reference number.
    path("public/", public.public_new, name="public_new"),
    path("public/status/", public.public_status, name="public_status"),
]
