from django.urls import path

from pendamping.dashboards import views, views_board, views_reports

app_name = "dashboards"
urlpatterns = [
    path("", views_board.province_board, name="province"),
    path("area/<str:code>/", views_board.area_board, name="area"),
    path("recount/", views_board.board_recount, name="recount"),
    path("map/", views.regency_map, name="regency_map"),
    path("reports/", views_reports.report_new, name="report_new"),
    path("reports/<int:pk>/", views_reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/file", views_reports.report_file, name="report_file"),
]
