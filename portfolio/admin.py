"""Django admin for the backlog: a superuser's view for support, and where portfolios and their members are set up.

Projects, assessments, reuse links and the history are view-only here: every change to them goes through the
app's pages and services, which check versions and cycles, keep the history and mark the figures out of date
(a superuser may use those pages in every portfolio). A portfolio is created here; its settings are then
changed on its settings page, for the same reasons; its members (and their roles) are managed here.
"""

from django.contrib import admin

from .models import Change, FeasibilityAssessment, Membership, Portfolio, Project, ReuseLink


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
    readonly_fields = ["seed", "input_version", "version", "created_at", "updated_at"]  # a new one draws its seed
    inlines = [MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:  # a new portfolio: every setting may be given
            return self.readonly_fields
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
