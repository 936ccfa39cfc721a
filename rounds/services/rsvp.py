"""RSVP answers (through the signed links of ``rounds.services.rsvp_links``, valid until the round has ended) and stand-ins."""

from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.models import User
from rounds.models import Invitation, Round
from rounds.services.delivery import invitations_enqueue
from rounds.services.rsvp_links import ANSWERS, RSVP_SALT, rsvp_token, rsvp_url  # noqa: F401 (the links' home)
from strategy_exchange.errors import DomainError


class RsvpLinkInvalid(DomainError):
    """The link was altered or does not belong to an invitation (any more)."""


class RsvpLinkExpired(DomainError):
    """The round has ended or was cancelled: the link no longer works."""


def rsvp_link_resolve(*, signed: str) -> tuple[Invitation, str]:
    """The invitation and answer of a signed link; raises ``RsvpLinkInvalid`` or ``RsvpLinkExpired``."""
    try:
        payload = signing.loads(signed, salt=RSVP_SALT)
        invitation_id, token, answer = payload["i"], payload["t"], payload["a"]
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise RsvpLinkInvalid(_("Dieser Link ist ungültig. Bitte verwenden Sie den Link aus Ihrer E-Mail.")) from error
    invitation = (
        Invitation.objects.select_related("round__series", "user", "organisation").filter(pk=invitation_id).first()
    )
    if invitation is None or invitation.token != token or answer not in ANSWERS:
        raise RsvpLinkInvalid(_("Dieser Link gehört zu keiner gültigen Einladung (mehr)."))
    _check_open(invitation.round, expired=RsvpLinkExpired)
    return invitation, answer


def _check_open(round_: Round, *, expired: type[DomainError] = DomainError) -> None:
    if round_.status == Round.Status.CANCELLED:
        raise expired(_("Diese Runde wurde abgesagt; eine Rückmeldung ist nicht mehr nötig."))
    if round_.ends_at <= timezone.now() or round_.status in (Round.Status.HELD, Round.Status.PUBLISHED):
        raise expired(_("Diese Runde hat bereits stattgefunden; eine Rückmeldung ist nicht mehr möglich."))


def rsvp_answer(*, invitation: Invitation, answer: str) -> Invitation:
    """Accept or decline an invitation, until the round has ended."""
    if answer not in ANSWERS:
        raise DomainError(_("Bitte wählen Sie „Zusagen“ oder „Absagen“."))
    _check_open(invitation.round)
    invitation.rsvp = Invitation.Rsvp.ACCEPTED if answer == "accept" else Invitation.Rsvp.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["rsvp", "responded_at"])
    return invitation


def stand_in_candidates(*, invitation: Invitation) -> QuerySet[User]:
    """Colleagues from the invitee's organisation who are not invited to the round yet."""
    if invitation.organisation_id is None:
        return User.objects.none()
    return (
        User.objects.filter(memberships__organisation_id=invitation.organisation_id, is_active=True)
        .exclude(invitations__round_id=invitation.round_id)
        .order_by("full_name", "email")
        .distinct()
    )


@transaction.atomic
def invitation_name_stand_in(*, invitation: Invitation, stand_in: User) -> Invitation:
    """The invitee names a colleague who comes instead: the colleague is invited (and emailed),
    the original invitation counts as declined."""
    _check_open(invitation.round)
    if invitation.stand_in_for_id is not None:
        raise DomainError(_("Eine Vertretung kann keine weitere Vertretung benennen."), field="stand_in")
    if not stand_in_candidates(invitation=invitation).filter(pk=stand_in.pk).exists():
        raise DomainError(
            _("Bitte wählen Sie eine Person Ihrer Organisation, die noch nicht eingeladen ist."), field="stand_in"
        )
    stand_in_invitation = Invitation.objects.create(
        round=invitation.round,
        user=stand_in,
        organisation=invitation.organisation,
        stand_in_for=invitation,
        invited_by=invitation.user,
    )
    invitation.rsvp = Invitation.Rsvp.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["rsvp", "responded_at"])
    if invitation.round.status == Round.Status.INVITED:
        invitations_enqueue(invitation_ids=[stand_in_invitation.pk])
    return stand_in_invitation
