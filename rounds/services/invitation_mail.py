"""The invitation email in its three forms: invitation, changed date (update) and cancellation."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from rounds.calendar import METHOD_CANCEL, METHOD_REQUEST, RoundCalendar, invitation_ics, round_agenda
from rounds.models import Invitation, Round
from rounds.services.rsvp_links import rsvp_url
from strategy_exchange.mail import TEXT_ENGINE, Email, build_email

KIND_INVITATION = "invitation"
KIND_UPDATE = "update"
KIND_CANCEL = "cancel"
KIND_WITHDRAWN = "withdrawn"
TEMPLATES = {
    KIND_WITHDRAWN: "emails/invitation_withdrawn",
    KIND_INVITATION: "emails/invitation",
    KIND_UPDATE: "emails/invitation_update",
    KIND_CANCEL: "emails/invitation_cancel",
}
AUTOMATIC = {"Auto-Submitted": "auto-generated"}


def message_kind(*, invitation: Invitation) -> str | None:
    """What this invitee gets now; None for an invitation to a cancelled round that never went out."""
    if invitation.withdrawn_at is not None:
        return KIND_WITHDRAWN
    if invitation.round.status == Round.Status.CANCELLED:
        return KIND_CANCEL if invitation.sent_sequence is not None else None
    return KIND_INVITATION if invitation.sent_sequence is None else KIND_UPDATE


def signup_url(*, user) -> str | None:
    """The sign-up link for a person invited by email who has no password yet."""
    if user.has_usable_password():
        return None
    account_invitation = getattr(user, "account_invitation", None)
    if account_invitation is None or account_invitation.accepted_at:
        return None
    path = reverse("participants:invitation_signup", kwargs={"token": account_invitation.token})
    return f"{settings.SITE_URL}{path}"


class RenderedOnce:
    """A template that reads only the round's part of the context, rendered when first shown and then reused
    (per language) by every message it goes into: ``{{ round_details_txt }}`` instead of an include. Plain-text
    parts use the text engine (``using``), which does not escape HTML."""

    def __init__(self, template_name: str, context: dict, *, using: str | None = None) -> None:
        self.template_name = template_name
        self.context = context
        self.using = using
        self._rendered: dict[str | None, SafeString] = {}

    def __html__(self) -> SafeString:
        language = get_language()
        if language not in self._rendered:
            self._rendered[language] = SafeString(render_to_string(self.template_name, self.context, using=self.using))
        return self._rendered[language]

    __str__ = __html__


def round_email_context(*, round_: Round) -> dict:
    """Series, number, local date and time, venue and agenda (with each clause's typical wording), the round's
    details as shown in the emails and the round's part of the calendar file: each rendered once for all
    invitees of the round the context is used for."""
    agenda_items = round_agenda(round_)
    context = {
        "round": round_,
        "series": round_.series,
        "starts_at": timezone.localtime(round_.starts_at),
        "ends_at": timezone.localtime(round_.ends_at),
        "agenda_items": agenda_items,
    }
    return {
        **context,
        "round_details_txt": RenderedOnce("emails/includes/round_details.txt", context, using=TEXT_ENGINE),
        "round_details_html": RenderedOnce("emails/includes/round_details.html", context),
        "round_calendar": RoundCalendar(round_=round_, agenda_items=agenda_items),
    }


def invitation_context(*, invitation: Invitation, round_context: dict | None = None) -> dict:
    """The invitee's context; ``round_context`` (from :func:`round_email_context` for the invitation's round)
    saves the agenda query when many invitations of one round are rendered."""
    accepted = invitation.rsvp == Invitation.Rsvp.ACCEPTED
    return {
        **(round_context if round_context is not None else round_email_context(round_=invitation.round)),
        "invitation": invitation,
        "user": invitation.user,
        "organisation": invitation.organisation,
        "accepted": accepted,
        "declined": invitation.rsvp == Invitation.Rsvp.DECLINED,
        "online_link": invitation.round.online_link if accepted else "",
        "accept_url": rsvp_url(invitation=invitation, answer="accept"),
        "decline_url": rsvp_url(invitation=invitation, answer="decline"),
        "signup_url": signup_url(user=invitation.user),
        "privacy_url": f"{settings.SITE_URL}{reverse('privacy')}",
    }


def invitation_message(*, invitation: Invitation, kind: str, round_context: dict | None = None) -> Email:
    """The email of ``kind``; its iCalendar (from :mod:`rounds.calendar`) goes in as a ``text/calendar`` part
    with the method next to text and HTML, and as the attachment ``einladung.ics``."""
    if kind == KIND_WITHDRAWN:
        return _withdrawal_message(invitation=invitation, round_context=round_context)
    method = METHOD_CANCEL if kind == KIND_CANCEL else METHOD_REQUEST
    context = invitation_context(invitation=invitation, round_context=round_context)
    ics = context["round_calendar"].ics(invitation=invitation, method=method)
    return build_email(
        template_prefix=TEMPLATES[kind],
        context=context,
        to=[invitation.user.email],
        calendar=(ics, method),
        headers=AUTOMATIC,
    )


def _withdrawal_message(*, invitation: Invitation, round_context: dict | None) -> Email:
    """The organisers withdrew the invitation: a calendar cancellation to the address it went to."""
    context = {
        **(round_context if round_context is not None else round_email_context(round_=invitation.round)),
        "invitation": invitation,
        "privacy_url": f"{settings.SITE_URL}{reverse('privacy')}",
    }
    return build_email(
        template_prefix=TEMPLATES[KIND_WITHDRAWN],
        context=context,
        to=[invitation.withdrawn_email],
        calendar=(invitation_ics(invitation=invitation, method=METHOD_CANCEL), METHOD_CANCEL),
        headers=AUTOMATIC,
    )
