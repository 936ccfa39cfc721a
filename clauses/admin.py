from django.contrib import admin

from .fragments import matrix_changed
from .models import Clause, Position


class RedrawsMatrixMixin:
    """Admin changes to clauses and positions show in the cached comparison matrix at once."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        matrix_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        matrix_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        matrix_changed()


@admin.register(Clause)
class ClauseAdmin(RedrawsMatrixMixin, admin.ModelAdmin):
    list_display = ["number", "title"]
    search_fields = ["title", "typical_wording", "=number"]
    ordering = ["number"]


@admin.register(Position)
class PositionAdmin(RedrawsMatrixMixin, admin.ModelAdmin):
    list_display = ["strategy", "organisation", "clause", "status", "page", "updated_at"]
    list_filter = ["status", "clause", "strategy__organisation__kind"]
    search_fields = ["strategy__title", "strategy__organisation__name", "quote"]
    list_select_related = ["strategy__organisation", "clause"]
    autocomplete_fields = ["strategy", "clause", "updated_by"]

    @admin.display(description="Organisation", ordering="strategy__organisation__name")
    def organisation(self, obj):
        return obj.strategy.organisation
