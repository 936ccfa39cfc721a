"""Two-factor authentication required for staff and organisers when MFA_REQUIRED_FOR_ORGANISERS is set."""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import permissions

EXEMPT_PREFIXES = ("/konto/", "/static/", "/i18n/", "/healthz", "/impressum/", "/datenschutz/", "/barrierefreiheit/")


class RequireMfaForOrganisersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_set_up_mfa(request):
            messages.warning(
                request,
                _("Bitte richten Sie die Zwei-Faktor-Anmeldung ein, bevor Sie Runden organisieren."),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _must_set_up_mfa(request) -> bool:
        if not getattr(settings, "MFA_REQUIRED_FOR_ORGANISERS", False):
            return False
        user = request.user
        if not user.is_authenticated or request.path.startswith(EXEMPT_PREFIXES):
            return False
        if not permissions.is_organiser(user):
            return False
        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class NavigationMiddleware:
    """``request.nav``: what the navigation offers the reader (signed in, organiser, staff), worked out when
    first asked. Apps below this one read it without knowing how it is decided."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from rounds.context_processors import Nav

        request.nav = Nav(request.user)
        return self.get_response(request)
