"""My rounds, the round page, RSVP on the page, stand-in and calendar download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rounds import permissions
from rounds.calendar import invitation_ics
from rounds.forms.participant import RsvpForm, StandInForm
from rounds.models import Invitation, Round
from rounds.selectors import participant as selectors
from rounds.services import comments, rsvp
from strategy_exchange.errors import DomainError

from . import add_domain_error


@login_required
@require_GET
def my_rounds(request: HttpRequest) -> HttpResponse:
    upcoming, past = selectors.my_invitations(user=request.user)
    return render(request, "rounds/participant/my_rounds.html", {"upcoming": upcoming, "past": past})


def _round_context(request: HttpRequest, round_: Round, **forms) -> dict:
    invitation = permissions.invitation_for(request.user, round_)
    accepted = invitation is not None and invitation.rsvp == Invitation.Rsvp.ACCEPTED
    agenda, general_findings = selectors.round_agenda(round_=round_)
    return {
        "round": round_,
        "invitation": invitation,
        "is_organiser": permissions.can_manage_round(request.user, round_),
        "show_online_link": accepted or permissions.can_manage_round(request.user, round_),
        "agenda": agenda,
        "general_findings": general_findings,
        "organisations": selectors.round_organisations(round_=round_),
        "window": comments.comment_window(round_=round_),
        "stand_ins": selectors.invitation_stand_ins(invitation=invitation),
        "rsvp_form": forms.get("rsvp_form") or RsvpForm(),
        "stand_in_form": forms.get("stand_in_form")
        or (StandInForm(invitation=invitation) if invitation is not None else None),
    }


@login_required
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = permissions.get_visible_round_or_404(request.user, pk=pk)
    return render(request, "rounds/participant/round_detail.html", _round_context(request, round_))


def _own_invitation(request: HttpRequest, pk: int) -> tuple[Round, Invitation]:
    round_ = permissions.get_visible_round_or_404(request.user, pk=pk)
    invitation = permissions.invitation_for(request.user, round_)
    if invitation is None:
        raise PermissionDenied(_("Sie sind zu dieser Runde nicht eingeladen."))
    return round_, invitation


@login_required
@require_POST
def rsvp_answer(request: HttpRequest, pk: int) -> HttpResponse:
    round_, invitation = _own_invitation(request, pk)
    form = RsvpForm(request.POST)
    if form.is_valid():
        try:
            rsvp.rsvp_answer(invitation=invitation, answer=form.cleaned_data["answer"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if invitation.rsvp == Invitation.Rsvp.ACCEPTED:
                messages.success(request, _("Vielen Dank für Ihre Zusage. Den Termin können Sie jetzt herunterladen."))
            else:
                messages.success(request, _("Ihre Absage ist gespeichert."))
            if request.POST.get("next") == "list":
                return redirect("rounds:my_rounds")
            return redirect("rounds:round_detail", pk=round_.pk)
    context = _round_context(request, round_, rsvp_form=form)
    return render(request, "rounds/participant/round_detail.html", context)


@login_required
@require_POST
def stand_in(request: HttpRequest, pk: int) -> HttpResponse:
    round_, invitation = _own_invitation(request, pk)
    form = StandInForm(request.POST, invitation=invitation)
    if form.is_valid():
        try:
            named = rsvp.invitation_name_stand_in(invitation=invitation, stand_in=form.cleaned_data["stand_in"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s ist als Vertretung eingeladen. Ihre Einladung gilt als abgesagt.")
                % {"name": named.user.get_full_name()},
            )
            return redirect("rounds:round_detail", pk=round_.pk)
    context = _round_context(request, round_, stand_in_form=form)
    return render(request, "rounds/participant/round_detail.html", context)


def ics_response(invitation: Invitation) -> HttpResponse:
    content = invitation_ics(invitation=invitation)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    filename = f"austauschrunde-{invitation.round.number}.ics"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def ics_download(request: HttpRequest, pk: int) -> HttpResponse:
    _round, invitation = _own_invitation(request, pk)
    if invitation.rsvp != Invitation.Rsvp.ACCEPTED:
        raise PermissionDenied(_("Den Kalendereintrag gibt es nach Ihrer Zusage."))
    return ics_response(invitation)
