"""Django admin for the backlog: a superuser's view for support (the admin is for superusers only).

Projects, assessments, progress, outcomes, reuse links, invitations and the history are view-only here: every
change to them goes through the app's pages and services, which check versions and cycles, keep the history and
mark the figures out of date (a superuser may use those pages in every portfolio). Portfolios are created, and
their members invited and given roles, in the app (New portfolio, Members); a superuser can still create a
portfolio and set its members here, for support. An existing portfolio's settings are changed on its settings page.
"""

from django.contrib import admin

from .models import (
    Change,
    FeasibilityAssessment,
    Invitation,
    Membership,
    Portfolio,
    Project,
    ProjectOutcome,
    ProjectProgress,
    ReuseLink,
)


class ViewOnlyAdmin(admin.ModelAdmin):
    """Listed and shown, never added, changed or deleted here (the services do that, with their checks)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Portfolio)
class PortfolioAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "trials", "top_k", "capacity", "input_version", "updated_at"]
    search_fields = ["name", "slug"]
    readonly_fields = ["input_version", "version", "created_at", "updated_at"]
    inlines = [MembershipInline]

    def get_exclude(self, request, obj=None):
        return ["seed"] if obj is None else []  # a new portfolio draws a random seed of its own

    def get_readonly_fields(self, request, obj=None):
        if obj is None:  # a new portfolio: every setting may be given; versions and dates are not shown
            return ()
        return [f.name for f in Portfolio._meta.concrete_fields if f.name != "id"]  # the settings page changes them


@admin.register(Project)
class ProjectAdmin(ViewOnlyAdmin):
    list_display = ["name", "portfolio", "status", "owner", "impact_likely", "staffing", "updated_at"]
    list_filter = ["portfolio", "status", "problem_type"]
    search_fields = ["name", "summary", "owner"]
    readonly_fields = ["version", "created_at", "updated_at"]


@admin.register(FeasibilityAssessment)
class FeasibilityAssessmentAdmin(ViewOnlyAdmin):
    list_display = ["project", "tag", "effort_likely", "is_current", "assessed_by", "created_at"]
    list_filter = ["tag", "is_current"]
    search_fields = ["project__name"]
    readonly_fields = ["impact_low_seen", "impact_likely_seen", "impact_high_seen", "is_current", "created_at"]


@admin.register(ProjectProgress)
class ProjectProgressAdmin(ViewOnlyAdmin):
    list_display = ["project", "effort_spent", "remaining_likely", "recorded_by", "recorded_at"]
    search_fields = ["project__name"]


@admin.register(ProjectOutcome)
class ProjectOutcomeAdmin(ViewOnlyAdmin):
    list_display = ["project", "actual_effort", "actual_finish", "succeeded", "realized_impact", "recorded_by"]
    list_filter = ["succeeded"]
    search_fields = ["project__name"]


@admin.register(ReuseLink)
class ReuseLinkAdmin(ViewOnlyAdmin):
    list_display = ["producer", "consumer", "kind", "fraction"]
    list_filter = ["kind"]
    search_fields = ["producer__name", "consumer__name"]
    readonly_fields = ["version", "created_at"]


@admin.register(Change)
class ChangeAdmin(ViewOnlyAdmin):
    list_display = ["project", "field", "old", "new", "user", "at"]
    search_fields = ["project__name", "field"]
    readonly_fields = ["project", "user", "at", "field", "old", "new"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "portfolio", "role"]
    list_filter = ["role", "portfolio"]
    autocomplete_fields = ["user"]


@admin.register(Invitation)
class InvitationAdmin(ViewOnlyAdmin):
    list_display = ["portfolio", "role", "email", "invited_by", "created_at", "expires_at", "accepted_by", "revoked_at"]
    list_filter = ["role", "portfolio"]
    search_fields = ["portfolio__name", "email"]
    readonly_fields = ["accepted_at", "accepted_by", "revoked_at", "created_at"]
