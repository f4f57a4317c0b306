from django.urls import path

from .views import baselines, calibration, changes, chart, export, how, status, timeline, whatif

app_name = "roadmap"

urlpatterns = [
    path("p/<slug:slug>/chart/", chart.roi_chart, name="chart"),
    path("p/<slug:slug>/chart.svg", chart.roi_chart_svg, name="chart-svg"),
    path("p/<slug:slug>/chart.png", chart.roi_chart_svg, {"fmt": "png"}, name="chart-png"),
    path("p/<slug:slug>/baselines/new/", baselines.baseline_create, name="baseline-create"),
    path("p/<slug:slug>/changes/", changes.changes_since, name="changes"),
    path("p/<slug:slug>/calibration/", calibration.calibration_page, name="calibration"),
    path("p/<slug:slug>/calibration/adopt/", calibration.calibration_adopt, name="calibration-adopt"),
    path("p/<slug:slug>/calibration/compare/", calibration.calibration_compare, name="calibration-compare"),
    path("p/<slug:slug>/how-scores-are-computed/", how.how_scores, name="how"),
    path("p/<slug:slug>/status/", status.figures_status, name="status"),
    path("p/<slug:slug>/export.<str:fmt>", export.export, name="export"),
    path("p/<slug:slug>/roadmap/", timeline.timeline, name="timeline"),
    path("p/<slug:slug>/roadmap.svg", timeline.timeline_svg, name="timeline-svg"),
    path("p/<slug:slug>/roadmap.png", timeline.timeline_svg, {"fmt": "png"}, name="timeline-png"),
    path("p/<slug:slug>/roadmap/what-if/", whatif.whatif, name="whatif"),
    path("p/<slug:slug>/roadmap/what-if/save/", whatif.whatif_save, name="whatif-save"),
    path("p/<slug:slug>/projects/<int:pk>/pin/", timeline.pin_set, name="pin"),
    path("p/<slug:slug>/projects/<int:pk>/pin/clear/", timeline.pin_clear, name="pin-clear"),
]
