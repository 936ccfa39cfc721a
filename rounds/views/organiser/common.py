"""Helpers shared by the organiser views: access checks and turning domain errors into form errors."""

import hashlib

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import get_language

from rounds.permissions import is_organiser
from strategy_exchange.errors import DomainError


def require_organiser(request: HttpRequest) -> None:
    """Pages that belong to no single series (dashboard, organisations): organisers and staff only."""
    if not is_organiser(request.user):
        raise PermissionDenied


def form_error(form: forms.Form, error: DomainError) -> None:
    """Show a domain error next to its field, or above the form when it concerns the whole form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


def etag_of(request: HttpRequest, state: object) -> str:
    """An ETag for a polled fragment from the stored ``state`` it shows, the language and the reader's
    CSRF secret (the fragment's forms carry a token of it)."""
    reader = (request.user.pk, request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""), get_language())
    return hashlib.blake2b(repr((reader, state)).encode(), digest_size=16).hexdigest()
