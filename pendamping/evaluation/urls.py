from django.urls import path

from pendamping.evaluation.views import analyses, design, gap, instruments, power, responses, studies

app_name = "evaluation"
urlpatterns = [
    path("", studies.study_list, name="study_list"),
    path("studies/<int:pk>/", studies.study_detail, name="study_detail"),
    path("studies/<int:pk>/analyse/", analyses.analysis_run, name="analysis_run"),
    path("studies/<int:pk>/import/", responses.response_import, name="response_import"),
    path("studies/<int:pk>/respondents/<int:rid>/waves/<int:wid>/", responses.response_form, name="response_form"),
    path("analyses/<int:pk>/", analyses.analysis_detail, name="analysis_detail"),
    path("analyses/<int:pk>/download/", analyses.analysis_file, name="analysis_file"),
    path("power/", power.power_view, name="power"),
    path("studies/new/", design.study_create, name="study_create"),
    path("studies/<int:pk>/respondents/", design.study_assign, name="study_assign"),
    path("studies/<int:pk>/status/", design.study_status, name="study_status"),
    path("instruments/", instruments.instrument_list, name="instrument_list"),
    path("instruments/new/", instruments.instrument_create, name="instrument_create"),
    path("instruments/<int:pk>/", instruments.instrument_detail, name="instrument_detail"),
    path("instruments/<int:pk>/new-version/", instruments.instrument_new_version, name="instrument_new_version"),
    path("gap/", gap.gap_view, name="gap"),
    path("gap/new/", gap.gap_create, name="gap_create"),
    path("gap/rate/", gap.gap_rate, name="gap_rate"),
]
