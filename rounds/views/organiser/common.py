"""Helpers shared by the organiser views: access checks and turning domain errors into form errors."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from rounds.permissions import is_organiser
from strategy_exchange.errors import DomainError


def require_organiser(request: HttpRequest) -> None:
    """Pages that belong to no single series (dashboard, organisations): organisers and staff only."""
    if not is_organiser(request.user):
        raise PermissionDenied


def form_error(form: forms.Form, error: DomainError) -> None:
    """Show a domain error next to its field, or above the form when it concerns the whole form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
