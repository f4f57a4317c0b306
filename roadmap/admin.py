"""Django admin for the computed plan: snapshots are written only by the recompute, so all read-only."""

from django.contrib import admin

from .models import RankingSnapshot, RecomputeState


@admin.register(RankingSnapshot)
class RankingSnapshotAdmin(admin.ModelAdmin):
    list_display = ["portfolio", "input_version", "seed", "trials", "computed_at", "duration_ms"]
    list_filter = ["portfolio"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RecomputeState)
class RecomputeStateAdmin(admin.ModelAdmin):
    list_display = ["portfolio", "queued", "running_since", "last_outcome", "last_error_at", "broker_unreachable_since"]
    readonly_fields = ["queued", "queued_at", "running_since", "last_outcome", "last_error", "last_error_at"]
