from django.urls import path

from . import views

app_name = "roadmap"

urlpatterns = [
    path("p/<slug:slug>/chart/", views.roi_chart, name="chart"),
    path("p/<slug:slug>/chart.svg", views.roi_chart_svg, name="chart-svg"),
    path("p/<slug:slug>/how-scores-are-computed/", views.how_scores, name="how"),
    path("p/<slug:slug>/status/", views.figures_status, name="status"),
    path("p/<slug:slug>/export.<str:fmt>", views.export, name="export"),
]
