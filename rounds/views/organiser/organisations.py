"""An organisation's page for organisers: its representatives and its history in the rounds (the directory
itself is ``participants.directory_views``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from participants import selectors as participant_selectors
from participants.models import Organisation
from rounds.forms.organiser.organisations import RepresentativeForm
from rounds.permissions import can_remove_representative, is_organiser
from rounds.selectors import organiser as selectors
from rounds.services import organisations as organisation_services
from strategy_exchange import pages
from strategy_exchange.errors import DomainError

from .common import form_error

MERGES_SHOWN = 20


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    """Organisers get the organisation; its own members may see it but not manage it (403); others 404."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404
    if is_organiser(request.user):
        return organisation
    if organisation.memberships.filter(user=request.user).exists():
        raise PermissionDenied
    raise Http404


def _detail(request: HttpRequest, organisation: Organisation, *, form=None, status: int = 200) -> HttpResponse:
    context = {
        "organisation": organisation,
        "form": form or RepresentativeForm(),
        "can_remove": can_remove_representative(request.user, organisation),
        "merges": list(participant_selectors.organisation_merges(organisation=organisation)[:MERGES_SHOWN]),
        **selectors.organisation_history(
            organisation=organisation, user=request.user, page=pages.page_number(request.GET.get("seite"))
        ),
    }
    return render(request, "rounds/organiser/organisation_detail.html", context, status=status)


@login_required
@require_GET
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _detail(request, _organisation(request, slug))


@login_required
@require_POST
def representative_add(request: HttpRequest, slug: str) -> HttpResponse:
    """Propose a person: they become a representative only by confirming (or by setting up their new account)."""
    organisation = _organisation(request, slug)
    form = RepresentativeForm(request.POST)
    if form.is_valid():
        try:
            person, created = organisation_services.representative_add(
                organisation=organisation, invited_by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            if created:
                text = _("%(person)s ist eingeladen und gehört zu %(name)s, sobald das Konto eingerichtet ist.") % {
                    "person": person,
                    "name": organisation,
                }
            else:
                text = _(
                    "%(person)s ist als Vertreter:in von %(name)s vorgeschlagen und erhält einen Link zur Bestätigung."
                ) % {"person": person, "name": organisation}
            messages.success(request, text)
            return redirect("orga:organisation_detail", slug=organisation.slug)
    return _detail(request, organisation, form=form, status=422)


@login_required
@require_POST
def representative_remove(request: HttpRequest, slug: str, membership_pk: int) -> HttpResponse:
    organisation = _organisation(request, slug)
    if not can_remove_representative(request.user, organisation):
        raise PermissionDenied
    membership = selectors.membership_for(organisation=organisation, pk=membership_pk)
    if membership is None:
        raise Http404
    organisation_services.representative_remove(membership=membership, removed_by=request.user)
    messages.success(
        request, _("%(person)s gehört nicht mehr zu %(name)s.") % {"person": membership.user, "name": organisation}
    )
    return redirect("orga:organisation_detail", slug=organisation.slug)
