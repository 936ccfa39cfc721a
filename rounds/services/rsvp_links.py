"""RSVP links: signed, bound to one invitation and one answer (read by ``rounds.services.rsvp``).

The emails need only these two functions; keeping them apart from the RSVP services keeps the invitation
email free of the delivery module (which the RSVP services call for a stand-in's invitation).
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from rounds.models import Invitation

RSVP_SALT = "rounds.rsvp"
ANSWERS = ("accept", "decline")


def rsvp_token(*, invitation: Invitation, answer: str) -> str:
    if answer not in ANSWERS:
        raise ValueError(answer)
    return signing.dumps({"i": invitation.pk, "t": invitation.token, "a": answer}, salt=RSVP_SALT)


def rsvp_url(*, invitation: Invitation, answer: str) -> str:
    """Absolute URL of the one-click RSVP link for emails."""
    path = reverse("rounds:rsvp_link", kwargs={"signed": rsvp_token(invitation=invitation, answer=answer)})
    return f"{settings.SITE_URL}{path}"
