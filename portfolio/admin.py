"""Django admin for the backlog: a superuser's view for support and repairs.

Day-to-day edits go through the app's pages, which keep the history and input versions; the admin is
read-mostly, so the fields the recompute relies on (versions, the assessment's impact seen) are read-only.
"""

from django.contrib import admin

from .models import Change, FeasibilityAssessment, Membership, Portfolio, Project, ReuseLink


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


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "portfolio", "status", "owner", "impact_likely", "staffing", "updated_at"]
    list_filter = ["portfolio", "status", "problem_type"]
    search_fields = ["name", "summary", "owner"]
    readonly_fields = ["version", "created_at", "updated_at"]


@admin.register(FeasibilityAssessment)
class FeasibilityAssessmentAdmin(admin.ModelAdmin):
    list_display = ["project", "tag", "effort_likely", "is_current", "assessed_by", "created_at"]
    list_filter = ["tag", "is_current"]
    search_fields = ["project__name"]
    readonly_fields = ["impact_low_seen", "impact_likely_seen", "impact_high_seen", "is_current", "created_at"]


@admin.register(ReuseLink)
class ReuseLinkAdmin(admin.ModelAdmin):
    list_display = ["producer", "consumer", "kind", "fraction"]
    list_filter = ["kind"]
    search_fields = ["producer__name", "consumer__name"]
    readonly_fields = ["version", "created_at"]


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin):
    list_display = ["project", "field", "old", "new", "user", "at"]
    search_fields = ["project__name", "field"]
    readonly_fields = ["project", "user", "at", "field", "old", "new"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "portfolio", "role"]
    list_filter = ["role", "portfolio"]
    autocomplete_fields = ["user"]
