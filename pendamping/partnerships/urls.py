from django.urls import path

from pendamping.partnerships.views import activities, agreements, coverage, partners

app_name = "partnerships"
urlpatterns = [
    path("", coverage.coverage_view, name="coverage"),
    path("partners/", partners.partner_list_view, name="partner_list"),
    path("partners/new/", partners.partner_create, name="partner_create"),
    path("partners/<int:pk>/", partners.partner_detail, name="partner_detail"),
    path("partners/<int:pk>/edit/", partners.partner_edit, name="partner_edit"),
    path("agreements/", agreements.agreement_list_view, name="agreement_list"),
    path("agreements/new/", agreements.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", agreements.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", agreements.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/activities/new/", activities.activity_add, name="activity_add"),
    path("activities/<int:pk>/delete/", activities.activity_delete, name="activity_delete"),
]
