from django.contrib import admin

from .models import Clause, Position, Suggestion


@admin.register(Clause)
class ClauseAdmin(admin.ModelAdmin):
    list_display = ["number", "title"]
    search_fields = ["title", "typical_wording", "=number"]
    ordering = ["number"]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["strategy", "organisation", "clause", "status", "page", "updated_at"]
    list_filter = ["status", "clause", "strategy__organisation__kind"]
    search_fields = ["strategy__title", "strategy__organisation__name", "quote"]
    list_select_related = ["strategy__organisation", "clause"]
    autocomplete_fields = ["strategy", "clause", "updated_by"]

    @admin.display(description="Organisation", ordering="strategy__organisation__name")
    def organisation(self, obj):
        return obj.strategy.organisation


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    """Suggestions are made by the ranking and decided by the representatives; the admin may correct them."""

    list_display = ["strategy", "clause", "page_number", "rank", "score", "status", "decided_at"]
    list_filter = ["status", "clause"]
    search_fields = ["strategy__title", "strategy__organisation__name", "passage"]
    list_select_related = ["strategy", "clause"]
    raw_id_fields = ["strategy", "page", "decided_by"]
