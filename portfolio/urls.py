from django.urls import path

from .views import (
    backlog,
    backlog_columns,
    delivery,
    feasibility,
    home,
    imports,
    invitations,
    links,
    members,
    project,
    settings,
)

app_name = "portfolio"

urlpatterns = [
    path("", home.portfolio_list, name="list"),
    path("portfolios/new/", home.portfolio_new, name="create"),
    path("invitations/<str:token>/", invitations.invitation, name="invitation"),
    path("p/<slug:slug>/", backlog.backlog, name="backlog"),
    path("p/<slug:slug>/columns/", backlog_columns.choose_columns, name="backlog-columns"),
    path("p/<slug:slug>/projects/new/", backlog.project_create, name="project-create"),
    path("p/<slug:slug>/projects/<int:pk>/row/", backlog.project_row, name="project-row"),
    path("p/<slug:slug>/projects/<int:pk>/", project.project_detail, name="project"),
    path("p/<slug:slug>/projects/<int:pk>/edit/", project.project_edit, name="project-edit"),
    path("p/<slug:slug>/projects/<int:pk>/delete/", project.project_delete, name="project-delete"),
    path("p/<slug:slug>/projects/<int:pk>/links/new/", links.link_create, name="link-create"),
    path("p/<slug:slug>/links/<int:link_id>/edit/", links.link_edit, name="link-edit"),
    path("p/<slug:slug>/links/<int:link_id>/delete/", links.link_delete, name="link-delete"),
    path("p/<slug:slug>/projects/<int:pk>/progress/", delivery.progress_edit, name="progress"),
    path("p/<slug:slug>/projects/<int:pk>/outcome/", delivery.outcome_edit, name="outcome"),
    path("p/<slug:slug>/feasibility/", feasibility.queue, name="feasibility"),
    path("p/<slug:slug>/projects/<int:pk>/assess/", feasibility.assess, name="assess"),
    path("p/<slug:slug>/settings/", settings.portfolio_settings, name="settings"),
    path("p/<slug:slug>/import/", imports.import_csv, name="import"),
    path("p/<slug:slug>/members/", members.members, name="members"),
    path("p/<slug:slug>/members/invite/", members.invite, name="invite"),
    path("p/<slug:slug>/members/<int:membership_id>/role/", members.member_role, name="member-role"),
    path("p/<slug:slug>/members/<int:membership_id>/remove/", members.member_remove, name="member-remove"),
    path("p/<slug:slug>/invitations/<int:invitation_id>/revoke/", members.invitation_revoke, name="invitation-revoke"),
    path("p/<slug:slug>/import/<int:import_id>/confirm/", imports.import_confirm, name="import-confirm"),
    path("p/<slug:slug>/import/<int:import_id>/undo/", imports.import_undo, name="import-undo"),
]
