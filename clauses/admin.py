from django.contrib import admin

from . import services
from .models import Clause, Position, Suggestion
from .selectors import REVISED_FIELDS


@admin.register(Clause)
class ClauseAdmin(admin.ModelAdmin):
    list_display = ["number", "title"]
    search_fields = ["title", "typical_wording", "keywords", "=number"]
    ordering = ["number"]

    def save_model(self, request, obj, form, change):
        """Through the services, so that every change made here is kept as a version too."""
        values = {name: getattr(obj, name) for name in REVISED_FIELDS}
        if change:
            services.clause_update(clause=Clause.objects.get(pk=obj.pk), author=request.user, **values)
        else:
            obj.pk = services.clause_create(**values, author=request.user).pk
            obj._state.adding = False
        obj.refresh_from_db()


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
