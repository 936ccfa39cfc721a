"""My rounds, the round page, RSVP on the page, stand-in and calendar download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rounds import permissions
from rounds.calendar import invitation_ics
from rounds.context_processors import nav_of
from rounds.forms.participant import RsvpForm, StandInForm
from rounds.models import Invitation, Round
from rounds.selectors import participant as selectors
from rounds.services import comments, rsvp
from strategy_exchange import pages
from strategy_exchange.errors import DomainError
from strategy_exchange.fragments import cached_fragment, fragment_key

from . import add_domain_error, shared_pages

# The keys hold the round's version (rounds.freshness): a newer round never meets an older entry.
ROUND_FRAGMENT_TIMEOUT = 24 * 60 * 60


@login_required
@require_GET
def my_rounds(request: HttpRequest) -> HttpResponse:
    upcoming, past = selectors.my_invitations(user=request.user)
    return render(request, "rounds/participant/my_rounds.html", {"upcoming": upcoming, "past": past})


def round_fragments(round_: Round) -> tuple[str, str]:
    """The agenda (with comment counts and key findings) and the participating organisations, rendered
    once for everyone who may see the round; they show nothing personal."""
    state = (round_.pk, round_.version, round_.status)

    def agenda() -> str:
        items, general_findings = selectors.round_agenda(round_=round_)
        context = {"round": round_, "agenda": items, "general_findings": general_findings}
        return render_to_string("rounds/participant/_round_agenda.html", context)

    def organisations() -> str:
        context = {"organisations": selectors.round_organisations(round_=round_)}
        return render_to_string("rounds/participant/_round_organisations.html", context)

    agenda_key = fragment_key("round-agenda", state)
    organisations_key = fragment_key("round-organisations", state)
    return (
        cached_fragment(agenda_key, agenda, timeout=ROUND_FRAGMENT_TIMEOUT),
        cached_fragment(organisations_key, organisations, timeout=ROUND_FRAGMENT_TIMEOUT),
    )


def _round_context(request: HttpRequest, round_: Round, **forms) -> dict:
    invitation = permissions.invitation_for(request.user, round_)
    accepted = invitation is not None and invitation.rsvp == Invitation.Rsvp.ACCEPTED
    agenda_html, organisations_html = round_fragments(round_)
    is_organiser = permissions.can_manage_round(request.user, round_)
    return {
        "round": round_,
        "invitation": invitation,
        "is_organiser": is_organiser,
        "show_online_link": accepted or is_organiser,
        "agenda_html": agenda_html,
        "organisations_html": organisations_html,
        "window": comments.comment_window(round_=round_),
        "stand_ins": selectors.invitation_stand_ins(invitation=invitation),
        "rsvp_form": forms.get("rsvp_form") or RsvpForm(),
        "stand_in_form": forms.get("stand_in_form")
        or (StandInForm(invitation=invitation) if invitation is not None else None),
    }


@login_required
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if pages.can_share(request):
        head = selectors.round_head(round_id=pk, user=request.user)
        reader = permissions.reader_of(request.user, head) if head else None
        if reader is None or not reader.can_view_round:
            raise Http404
        nav = nav_of(request)
        nav.know(organiser=reader.is_organiser, member=head.member)
        return shared_pages.round_response(request, head=head, reader=reader, nav=nav.state())
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
