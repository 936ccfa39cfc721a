from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import (
    AgendaItem,
    CalendarReply,
    Comment,
    FollowUpReport,
    Invitation,
    MeetingNote,
    MeetingNoteRevision,
    ReminderDelivery,
    Round,
    Series,
)


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "cadence_months", "report_visibility", "round_count"]
    list_filter = ["report_visibility"]
    search_fields = ["title", "description"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organisers"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(round_count=Count("rounds"))

    @admin.display(description=_("Runden"), ordering="round_count")
    def round_count(self, obj):
        return obj.round_count


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fk_name = "round"
    autocomplete_fields = ["clause"]
    raw_id_fields = ["carried_from"]


class InvitationAdminForm(forms.ModelForm):
    """A new invitation needs a person; one whose person deleted their account keeps none."""

    class Meta:
        model = Invitation
        fields = "__all__"  # noqa: DJ007 - the admin chooses the fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "user" in self.fields and self.instance.pk and self.instance.user_id is None:
            self.fields["user"].required = False
            self.fields["user"].disabled = True
            self.fields["user"].help_text = _("Das Konto wurde gelöscht (ehemalige:r Vertreter:in).")


class InvitationInline(admin.TabularInline):
    model = Invitation
    form = InvitationAdminForm
    extra = 0
    autocomplete_fields = ["user", "organisation"]
    fields = ["user", "organisation", "rsvp", "delivery", "sent_at", "attended_at"]
    readonly_fields = ["sent_at"]
    fk_name = "round"


class MeetingNoteInline(admin.StackedInline):
    model = MeetingNote
    extra = 0
    fields = ["agenda_item", "body", "is_key_finding", "is_open_question", "author"]
    autocomplete_fields = ["author"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agenda_item":
            round_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = AgendaItem.objects.filter(round_id=round_id).select_related("clause", "round__series")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["__str__", "number", "starts_at", "status", "invitation_count"]
    list_filter = ["status", "series"]
    search_fields = ["title", "series__title"]
    list_select_related = ["series"]
    autocomplete_fields = ["series"]
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline, InvitationInline, MeetingNoteInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(invitation_count=Count("invitations"))

    @admin.display(description=_("Einladungen"), ordering="invitation_count")
    def invitation_count(self, obj):
        return obj.invitation_count


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["round", "clause", "order"]
    list_filter = ["round__series"]
    search_fields = ["clause__title", "round__series__title"]
    list_select_related = ["round__series", "clause"]
    autocomplete_fields = ["round", "clause"]
    raw_id_fields = ["carried_from"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    form = InvitationAdminForm
    list_display = ["user", "organisation", "round", "rsvp", "delivery", "sent_at", "attended_at"]
    list_filter = ["rsvp", "delivery", "round__series"]
    search_fields = ["user__email", "user__full_name", "organisation__name"]
    list_select_related = ["user", "organisation", "round__series"]
    autocomplete_fields = ["round", "user", "organisation", "invited_by"]
    raw_id_fields = ["stand_in_for"]
    readonly_fields = ["token", "message", "sent_at", "responded_at"]


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(admin.ModelAdmin):
    list_display = ["invitation", "days_before", "round_starts_at", "sent_at"]
    list_select_related = ["invitation__user", "invitation__round__series"]
    raw_id_fields = ["invitation"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "organisation",
        "agenda_item",
        "confidentiality",
        "moderation",
        "highlighted",
        "created_at",
    ]
    list_filter = ["confidentiality", "moderation", "highlighted", "agenda_item__round__series"]
    search_fields = ["body", "author__email", "author__full_name", "organisation__name"]
    list_select_related = ["author", "organisation", "agenda_item__round__series", "agenda_item__clause"]
    autocomplete_fields = ["author", "organisation", "agenda_item"]
    raw_id_fields = ["parent"]


class MeetingNoteRevisionInline(admin.TabularInline):
    model = MeetingNoteRevision
    extra = 0
    readonly_fields = ["version", "body", "author", "created_at"]
    can_delete = False


@admin.register(MeetingNote)
class MeetingNoteAdmin(admin.ModelAdmin):
    list_display = ["__str__", "round", "agenda_item", "is_key_finding", "is_open_question", "author", "updated_at"]
    list_filter = ["is_key_finding", "is_open_question", "round__series"]
    search_fields = ["body"]
    list_select_related = ["round__series", "agenda_item__clause", "agenda_item__round__series", "author"]
    autocomplete_fields = ["round", "agenda_item", "author"]
    inlines = [MeetingNoteRevisionInline]


@admin.register(MeetingNoteRevision)
class MeetingNoteRevisionAdmin(admin.ModelAdmin):
    list_display = ["note", "version", "author", "created_at"]
    list_select_related = ["note", "author"]
    raw_id_fields = ["note", "author"]


@admin.register(FollowUpReport)
class FollowUpReportAdmin(admin.ModelAdmin):
    list_display = ["round", "version", "status", "progress", "built_at", "published_at"]
    list_filter = ["status", "round__series"]
    search_fields = ["round__series__title"]
    list_select_related = ["round__series"]
    autocomplete_fields = ["round", "requested_by"]
    readonly_fields = ["built_at", "published_at", "notified_at"]


@admin.register(CalendarReply)
class CalendarReplyAdmin(admin.ModelAdmin):
    """What became of each message in the reply mailbox; the outcome filter counts them."""

    list_display = ["received_at", "sender", "subject", "outcome", "detail", "invitation"]
    list_filter = ["outcome", "received_at"]
    show_facets = admin.ShowFacets.ALWAYS
    search_fields = ["sender", "subject", "message_id"]
    date_hierarchy = "received_at"
    list_select_related = ["invitation__round__series", "invitation__user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
