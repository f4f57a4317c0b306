"""``/api/v1/``: the REST API's addresses (see README "API")."""

from django.urls import path

from .views import assessments, delivery, export, figures, imports, links, portfolios, projects, whatif

P = "portfolios/<slug:slug>/"

urlpatterns = [
    path("portfolios/", portfolios.PortfolioListView.as_view(), name="portfolios"),
    path(P, portfolios.PortfolioDetailView.as_view(), name="portfolio"),
    path(P + "settings/", portfolios.SettingsView.as_view(), name="settings"),
    path(P + "projects/", projects.ProjectListView.as_view(), name="projects"),
    path(P + "projects/<int:pk>/", projects.ProjectDetailView.as_view(), name="project"),
    path(P + "projects/<int:pk>/assessments/", assessments.AssessmentListView.as_view(), name="assessments"),
    path(P + "projects/<int:pk>/progress/", delivery.ProgressView.as_view(), name="progress"),
    path(P + "projects/<int:pk>/outcome/", delivery.OutcomeView.as_view(), name="outcome"),
    path(P + "links/", links.LinkListView.as_view(), name="links"),
    path(P + "links/<int:link_id>/", links.LinkDetailView.as_view(), name="link"),
    path(P + "ranking/", figures.RankingView.as_view(), name="ranking"),
    path(P + "roadmap/", figures.RoadmapView.as_view(), name="roadmap"),
    path(P + "funding/", figures.FundingView.as_view(), name="funding"),
    path(P + "what-if/", whatif.WhatIfView.as_view(), name="whatif"),
    path(P + "imports/", imports.ImportListView.as_view(), name="imports"),
    path(P + "imports/<int:import_id>/", imports.ImportDetailView.as_view(), name="import"),
    path(P + "imports/<int:import_id>/confirm/", imports.ImportConfirmView.as_view(), name="import-confirm"),
    path(P + "imports/<int:import_id>/undo/", imports.ImportUndoView.as_view(), name="import-undo"),
    path(P + "export/", export.ExportView.as_view(), name="export"),
    path(P + "export.csv", export.ExportCsvView.as_view(), name="export-csv"),
]
