from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import condition, require_GET, require_http_methods, require_POST

from rounds.forms.organiser.invitations import (
    InviteEmailForm,
    InviteOrganisationsForm,
    InvitePeopleForm,
    StandInForm,
)
from rounds.models import Round
from rounds.permissions import get_round_to_manage
from rounds.selectors import organiser as selectors
from rounds.services import invitations as invitation_services
from rounds.services import rounds as round_services
from strategy_exchange.errors import DomainError

from .common import etag_of, form_error

TEMPLATE = "rounds/organiser/invitations.html"


def _table_context(round_: Round) -> dict:
    rows = selectors.invitation_rows(round_=round_)
    return {"round": round_, "rows": rows, "summary": selectors.invitation_summary(rows)}


def _page(request: HttpRequest, round_: Round, *, status: int = 200, **forms) -> HttpResponse:
    query = request.GET.get("q", "")
    shown = selectors.people_search(round_=round_, query=query)
    context = {
        **_table_context(round_),
        "series": round_.series,
        "active": "invitations",
        "open": invitation_services.invitations_open(round_=round_),
        "recording": round_services.round_completes_afterwards(round_=round_),
        "query": query,
        "organisations_form": forms.get("organisations_form") or InviteOrganisationsForm(round_=round_),
        "people_form": forms.get("people_form") or InvitePeopleForm(round_=round_, shown=shown),
        "email_form": forms.get("email_form") or InviteEmailForm(),
    }
    return render(request, TEMPLATE, context, status=status)


def _created_message(request: HttpRequest, round_: Round, count: int) -> None:
    if not count:
        messages.info(request, _("Alle Gewählten waren bereits eingeladen."))
        return
    if round_services.round_completes_afterwards(round_=round_):
        text = ngettext(
            "%(count)d Person als anwesend eingetragen.", "%(count)d Personen als anwesend eingetragen.", count
        ) % {"count": count}
        messages.success(request, text)
        return
    text = ngettext("%(count)d Einladung angelegt.", "%(count)d Einladungen angelegt.", count) % {"count": count}
    if round_.status == Round.Status.INVITED:
        text += " " + _("Sie werden sofort versandt.")
    else:
        text += " " + _("Versandt wird mit „Einladungen versenden“.")
    messages.success(request, text)


@login_required
@require_GET
def invitations(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_to_manage(request.user, pk=pk)
    return _page(request, round_)


def _table_etag(request: HttpRequest, pk: int) -> str:
    """The stored state the table shows, for the reader (and their CSRF secret, which its forms carry)."""
    round_ = get_round_to_manage(request.user, pk=pk)
    return etag_of(request, selectors.invitation_table_state(round_=round_))


@login_required
@require_GET
@condition(etag_func=_table_etag)  # polled by htmx: an unchanged table is answered with 304
def invitations_table(request: HttpRequest, pk: int) -> HttpResponse:
    """The invitation table alone; the page reloads it every few seconds while it is open."""
    round_ = get_round_to_manage(request.user, pk=pk)
    return render(request, f"{TEMPLATE}#invitation-table", _table_context(round_))


@login_required
@require_POST
def invite_organisations(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_to_manage(request.user, pk=pk)
    form = InviteOrganisationsForm(request.POST, round_=round_)
    if form.is_valid():
        try:
            created = invitation_services.invitations_create_for_organisations(
                round_=round_, organisations=form.cleaned_data["organisations"], invited_by=request.user
            )
        except DomainError as error:
            form_error(form, error)
        else:
            _created_message(request, round_, len(created))
            return redirect("orga:invitations", pk=round_.pk)
    return _page(request, round_, organisations_form=form, status=422)


@login_required
@require_POST
def invite_people(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_to_manage(request.user, pk=pk)
    form = InvitePeopleForm(request.POST, round_=round_)
    if form.is_valid():
        try:
            created = invitation_services.invitations_create_for_people(
                round_=round_, people=form.cleaned_data["people"], invited_by=request.user
            )
        except DomainError as error:
            form_error(form, error)
        else:
            _created_message(request, round_, len(created))
            return redirect("orga:invitations", pk=round_.pk)
    return _page(request, round_, people_form=form, status=422)


@login_required
@require_POST
def invite_email(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_to_manage(request.user, pk=pk)
    form = InviteEmailForm(request.POST)
    if form.is_valid():
        try:
            invitation = invitation_services.invitation_create_for_email(
                round_=round_, invited_by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            _created_message(request, round_, 1)
            mailed = not round_services.round_completes_afterwards(round_=round_)  # nobody hears of a past round
            if mailed and not invitation.user.has_usable_password():
                messages.info(
                    request,
                    _("%(email)s hat noch kein Konto und erhält mit der Einladung einen Link zur Registrierung.")
                    % {"email": invitation.user.email},
                )
            return redirect("orga:invitations", pk=round_.pk)
    return _page(request, round_, email_form=form, status=422)


@login_required
@require_POST
def invitations_send(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_to_manage(request.user, pk=pk)
    try:
        count = invitation_services.invitations_send(round_=round_)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if count:
            messages.success(
                request,
                ngettext("%(count)d Einladung wird versandt.", "%(count)d Einladungen werden versandt.", count)
                % {"count": count},
            )
        else:
            messages.info(request, _("Es gab keine Einladungen, die noch zu versenden waren."))
    return redirect("orga:invitations", pk=round_.pk)


def _invitation(request: HttpRequest, pk: int, invitation_pk: int):
    round_ = get_round_to_manage(request.user, pk=pk)
    invitation = get_object_or_404(
        round_.invitations.select_related("user", "organisation", "round__series"), pk=invitation_pk
    )
    return round_, invitation


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    round_, invitation = _invitation(request, pk, invitation_pk)
    try:
        count = invitation_services.invitation_resend(invitation=invitation)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if count:
            messages.success(
                request, _("Die Einladung an %(person)s wird erneut versandt.") % {"person": invitation.person_label}
            )
        else:
            messages.info(
                request, _("Die Einladung an %(person)s ist bereits unterwegs.") % {"person": invitation.person_label}
            )
    return redirect("orga:invitations", pk=round_.pk)


@login_required
@require_POST
def invitation_withdraw(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    round_, invitation = _invitation(request, pk, invitation_pk)
    label = invitation.person_label
    try:
        invitation_services.invitation_withdraw(invitation=invitation)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(person)s ist nicht mehr eingeladen.") % {"person": label})
    return redirect("orga:invitations", pk=round_.pk)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_stand_in(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    round_, invitation = _invitation(request, pk, invitation_pk)
    form = StandInForm(request.POST or None, candidates=selectors.stand_in_candidates(invitation=invitation))
    if request.method == "POST" and form.is_valid():
        try:
            stand_in = invitation_services.invitation_stand_in(
                invitation=invitation, user=form.cleaned_data["user"], invited_by=request.user
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("%(stand_in)s ist als Vertretung für %(person)s eingeladen.")
                % {"stand_in": stand_in.user, "person": invitation.person_label},
            )
            return redirect("orga:invitations", pk=round_.pk)
    context = {
        "round": round_,
        "series": round_.series,
        "invitation": invitation,
        "form": form,
        "active": "invitations",
    }
    return render(request, "rounds/organiser/stand_in.html", context)
