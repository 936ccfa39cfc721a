"""RSVP through the signed link in the email: works without logging in, for that one invitation only."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from rounds.models import Invitation
from rounds.services import rsvp
from rounds.services.rsvp import RsvpLinkExpired, RsvpLinkInvalid

from .rounds import ics_response


def _link_problem(request: HttpRequest, error: Exception, *, expired: bool) -> HttpResponse:
    return render(
        request,
        "rounds/participant/rsvp_link_invalid.html",
        {"message": getattr(error, "message", ""), "expired": expired},
        status=410 if expired else 400,
    )


@require_http_methods(["GET", "POST"])
def rsvp_link(request: HttpRequest, signed: str) -> HttpResponse:
    """GET asks for confirmation (link scanners in mail systems must not answer for anyone), POST answers."""
    try:
        invitation, answer = rsvp.rsvp_link_resolve(signed=signed)
    except RsvpLinkExpired as error:
        return _link_problem(request, error, expired=True)
    except RsvpLinkInvalid as error:
        return _link_problem(request, error, expired=False)
    done = False
    if request.method == "POST":
        rsvp.rsvp_answer(invitation=invitation, answer=answer)
        done = True
    return render(
        request,
        "rounds/participant/rsvp_link.html",
        {
            "invitation": invitation,
            "round": invitation.round,
            "answer": answer,
            "done": done,
            "signed": signed,
            "accepted": invitation.rsvp == Invitation.Rsvp.ACCEPTED,
        },
    )


@require_GET
def rsvp_link_ics(request: HttpRequest, signed: str) -> HttpResponse:
    """The calendar file for an invitation accepted through its link."""
    try:
        invitation, _answer = rsvp.rsvp_link_resolve(signed=signed)
    except RsvpLinkExpired as error:
        return _link_problem(request, error, expired=True)
    except RsvpLinkInvalid as error:
        return _link_problem(request, error, expired=False)
    if invitation.rsvp != Invitation.Rsvp.ACCEPTED:
        return render(request, "rounds/participant/rsvp_link_invalid.html", {"not_accepted": True}, status=403)
    return ics_response(invitation)
