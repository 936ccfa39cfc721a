from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from . import services
from .models import AccountInvitation, Membership, Organisation, Strategy, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name"]}),
        (_("Berechtigungen"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Daten"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]


class StrategyInline(admin.StackedInline):
    model = Strategy
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "state", "place", "ags", "member_count"]
    list_filter = ["kind", "state"]
    search_fields = ["name", "place", "ags"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline, StrategyInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description=_("Mitglieder"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__email", "user__full_name", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]

    def delete_model(self, request, obj):
        """An admin ending a membership: logged and told like any removal."""
        services.membership_end(membership=obj, ended_by=request.user)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "organisation"):
            services.membership_end(membership=membership, ended_by=request.user)


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "adopted_on", "update_cycle_months", "text_state", "text_page_count"]
    list_filter = ["text_state", "organisation__kind", "organisation__state"]
    search_fields = ["title", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    date_hierarchy = "adopted_on"


@admin.register(AccountInvitation)
class AccountInvitationAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "invited_by", "created_at", "accepted_at"]
    list_filter = ["accepted_at"]
    search_fields = ["user__email", "organisation__name"]
    list_select_related = ["user", "organisation", "invited_by"]
    autocomplete_fields = ["user", "organisation", "invited_by"]
