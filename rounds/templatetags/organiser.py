"""Template helpers for the organiser pages: ``{% load organiser %}{% if user|is_organiser %}``."""

from django import template

from rounds import permissions

register = template.Library()


@register.filter
def is_organiser(user) -> bool:
    """Organises at least one series, or is staff (see rounds.permissions)."""
    return permissions.is_organiser(user)
