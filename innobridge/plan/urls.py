from django.urls import path

from .views import dashboard, downloads, measures, report

app_name = "plan"

urlpatterns = [
    path("", dashboard.overview, name="home"),
    path("public/", dashboard.public, name="public"),
    path("public/table.<str:fmt>", downloads.public_table, name="public_download"),
    path("area/<str:area>/", dashboard.area, name="area"),
    path("indicators/<str:key>/", dashboard.indicator, name="indicator"),
    path("indicators/<str:key>/<str:table>.<str:fmt>", downloads.table, name="download"),
    path("snapshot/", dashboard.snapshot_now, name="snapshot"),
    path("report/", report.report, name="report"),
    path("measures/new/", measures.measure_new, name="measure_new"),
    path("measures/<int:pk>/edit/", measures.measure_edit, name="measure_edit"),
]
