from django.contrib import admin

from . import services
from .models import Clause, Position
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
