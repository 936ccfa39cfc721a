from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from strategy_exchange.models import OutboxMessage, WorkerHeartbeat
from strategy_exchange.outbox import outbox_retry


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """The outbox as the operators see it: what waits, what failed and why; failed messages can be sent again."""

    list_display = ["key", "kind", "state", "attempts", "next_attempt_at", "sent_at", "last_error"]
    list_filter = ["state", "kind"]
    search_fields = ["key", "scope", "last_error"]
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request) -> bool:
        return False  # messages come from the services that decide to send them

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Fehlgeschlagene Nachrichten erneut versenden"))
    def retry(self, request, queryset) -> None:
        count = sum(outbox_retry(message_id=pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d Nachricht erneut eingereiht.", "%(count)d Nachrichten erneut eingereiht.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "beat_at"]
    readonly_fields = ["hostname", "beat_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
