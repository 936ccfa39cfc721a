"""Invitations: organisations, single people, new email addresses, stand-ins, sending, resending, attendance.

Creating an invitation twice is harmless (one row per person and round); sending goes through
``delivery.invitations_enqueue``, which queues each invitation at most once.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from participants.models import Organisation, User
from rounds.models import Invitation, Round, new_token
from rounds.services import delivery
from rounds.services.organisations import person_get_or_invite
from rounds.services.rounds import round_completes_afterwards
from strategy_exchange.errors import DomainError
from strategy_exchange.fragments import rows_changed
from strategy_exchange.models import OutboxMessage

S = Round.Status
OPEN_FOR_INVITATIONS = (S.DRAFT, S.SCHEDULED, S.INVITED)
RESEND_PAUSE = datetime.timedelta(minutes=5)


def invitations_open(*, round_: Round) -> bool:
    """People can be added until the meeting. To a round recorded afterwards, its participants are added
    until its report is published: they are recorded as present, and nobody is mailed (the round is held,
    and only planned rounds send invitations)."""
    return round_.status in OPEN_FOR_INVITATIONS or round_completes_afterwards(round_=round_)


def _check_open(round_: Round) -> None:
    if not invitations_open(round_=round_):
        raise DomainError(
            gettext("Zu einer Runde, die stattgefunden hat oder abgesagt ist, kann nicht mehr eingeladen werden.")
        )


def _invite(round_: Round, user: User, organisation: Organisation | None, invited_by: User | None, **extra):
    if round_completes_afterwards(round_=round_):
        extra.setdefault("attended_at", round_.starts_at)  # a recorded participant took part
    invitation, created = Invitation.objects.get_or_create(
        round=round_, user=user, defaults={"organisation": organisation, "invited_by": invited_by, **extra}
    )
    return invitation, created


def _send_if_already_invited(round_: Round, invitations: list[Invitation]) -> None:
    """Once a round's invitations went out, anyone added later is invited right away."""
    if round_.status == S.INVITED and invitations:
        delivery.invitations_enqueue(invitation_ids=[i.pk for i in invitations])


@transaction.atomic
def invitations_create_for_organisations(
    *, round_: Round, organisations: Iterable[Organisation], invited_by: User | None
) -> list[Invitation]:
    """Invite every representative of each organisation. Returns the invitations that are new."""
    _check_open(round_)
    created = []
    for organisation in organisations:
        for membership in organisation.memberships.select_related("user").filter(user__is_active=True):
            invitation, is_new = _invite(round_, membership.user, organisation, invited_by)
            if is_new:
                created.append(invitation)
    _send_if_already_invited(round_, created)
    return created


def _organisation_of(user: User) -> Organisation | None:
    membership = user.memberships.select_related("organisation").order_by("-role", "created_at").first()
    return membership.organisation if membership else None


@transaction.atomic
def invitations_create_for_people(
    *, round_: Round, people: Iterable[User], invited_by: User | None
) -> list[Invitation]:
    """Invite single people; each is invited for their (main) organisation."""
    _check_open(round_)
    created = []
    for person in people:
        invitation, is_new = _invite(round_, person, _organisation_of(person), invited_by)
        if is_new:
            created.append(invitation)
    _send_if_already_invited(round_, created)
    return created


@transaction.atomic
def invitation_create_for_email(
    *, round_: Round, email: str, full_name: str = "", organisation: Organisation | None, invited_by: User | None
) -> Invitation:
    """Invite someone by email address. Without an account, a pending account invitation is created; its link
    comes with the invitation. To a round recorded afterwards the person is recorded as present and nothing
    is mailed: their link goes out once they are added as a representative of their organisation."""
    _check_open(round_)
    user, _ = person_get_or_invite(email=email, full_name=full_name, organisation=organisation, invited_by=invited_by)
    if Invitation.objects.filter(round=round_, user=user).exists():
        raise DomainError(
            gettext("%(person)s ist zu dieser Runde bereits eingeladen.") % {"person": user.email}, field="email"
        )
    invitation, _ = _invite(round_, user, organisation or _organisation_of(user), invited_by)
    _send_if_already_invited(round_, [invitation])
    return invitation


@transaction.atomic
def invitations_send(*, round_: Round) -> int:
    """Send every invitation not yet sent and mark the round as "invitations sent". Returns how many were queued."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.status == S.DRAFT:
        raise DomainError(gettext("Bitte planen Sie die Runde zuerst (Tagesordnung festlegen), bevor Sie einladen."))
    if round_.status not in (S.SCHEDULED, S.INVITED):
        raise DomainError(
            gettext("Zu einer Runde, die stattgefunden hat oder abgesagt ist, werden keine Einladungen versandt.")
        )
    pending = list(round_.invitations.filter(delivery=Invitation.Delivery.PENDING).values_list("pk", flat=True))
    if not pending and round_.status == S.SCHEDULED:
        raise DomainError(
            gettext("Es gibt noch niemanden einzuladen. Bitte wählen Sie zuerst Organisationen oder Personen.")
        )
    if Round.objects.filter(pk=round_.pk, status=S.SCHEDULED).update(status=S.INVITED):
        rows_changed(Round, [round_.pk])
    return delivery.invitations_enqueue(invitation_ids=pending)


@transaction.atomic
def invitation_resend(*, invitation: Invitation) -> int:
    """Send one invitation again: after a failed delivery, or when it was sent a while ago."""
    round_ = invitation.round
    if round_.status not in (S.INVITED,):
        raise DomainError(
            gettext("Einladungen können erst erneut gesendet werden, wenn die Einladungen versandt wurden.")
        )
    if invitation.delivery == Invitation.Delivery.SENT:
        if invitation.sent_at and invitation.sent_at > timezone.now() - RESEND_PAUSE:
            raise DomainError(gettext("Diese Einladung wurde gerade erst versandt. Bitte warten Sie einige Minuten."))
        Invitation.objects.filter(pk=invitation.pk, delivery=Invitation.Delivery.SENT).update(
            delivery=Invitation.Delivery.PENDING
        )
    elif invitation.delivery == Invitation.Delivery.QUEUED:
        raise DomainError(gettext("Diese Einladung wird gerade versandt."))
    return delivery.invitations_enqueue(invitation_ids=[invitation.pk])


@transaction.atomic
def invitation_stand_in(*, invitation: Invitation, user: User, invited_by: User | None) -> Invitation:
    """Invite a stand-in from the same organisation for an invitee who cannot come."""
    _check_open(invitation.round)
    if (
        invitation.organisation_id is None
        or not user.memberships.filter(organisation_id=invitation.organisation_id).exists()
    ):
        raise DomainError(gettext("Die Vertretung muss zur selben Organisation gehören."), field="user")
    if Invitation.objects.filter(round=invitation.round, user=user).exists():
        raise DomainError(
            gettext("%(person)s ist zu dieser Runde bereits eingeladen.") % {"person": user}, field="user"
        )
    stand_in, _ = _invite(invitation.round, user, invitation.organisation, invited_by, stand_in_for=invitation)
    Invitation.objects.filter(pk=invitation.pk, rsvp=Invitation.Rsvp.OPEN).update(
        rsvp=Invitation.Rsvp.DECLINED, responded_at=timezone.now()
    )
    rows_changed(Invitation, [invitation.pk])
    _send_if_already_invited(invitation.round, [stand_in])
    return stand_in


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation) -> None:
    """Withdraw an invitation. One the person never received is removed. One they received stops naming them
    at once, so it grants nothing any more (every access check asks for the person's own invitation), and a
    calendar cancellation (METHOD:CANCEL, same UID, higher SEQUENCE) goes to the address it was sent to; the
    row is deleted once that is sent. Invitations to rounds that took place stay as their record."""
    row = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("round", "user", "message")
        .filter(pk=invitation.pk, withdrawn_at__isnull=True)
        .first()
    )
    if row is None:
        raise DomainError(gettext("Diese Einladung ist bereits zurückgezogen."))
    if row.round.status in (S.HELD, S.PUBLISHED) and not round_completes_afterwards(round_=row.round):
        raise DomainError(
            gettext("Eine Einladung zu einer Runde, die stattgefunden hat, bleibt als Nachweis erhalten.")
        )
    if row.message is not None and row.message.state == OutboxMessage.State.SENDING:
        raise DomainError(gettext("Die Einladung wird gerade versandt. Bitte versuchen Sie es gleich noch einmal."))
    if row.sent_sequence is None or row.user is None or row.round.status == S.CANCELLED:
        row.delete()  # nothing in the person's calendar to take back
        return
    row.reminders.filter(sent_at__isnull=True).delete()
    Invitation.objects.filter(pk=row.pk).update(
        withdrawn_at=timezone.now(), withdrawn_email=row.user.email, user=None, organisation=None, token=new_token()
    )
    rows_changed(Invitation, [row.pk])
    delivery.invitation_withdrawal_queue(invitation_id=row.pk)


@transaction.atomic
def attendance_open(*, round_: Round) -> bool:
    """Attendance can be recorded once a round that takes place has begun."""
    return round_.status not in (S.DRAFT, S.CANCELLED) and round_.starts_at <= timezone.now()


def attendance_set(*, round_: Round, present: Iterable[Invitation]) -> int:
    """Record who took part. Returns the number of people present."""
    if not attendance_open(round_=round_):
        raise DomainError(gettext("Die Anwesenheit kann erst erfasst werden, wenn die Runde begonnen hat."))
    present_ids = {i.pk for i in present}
    round_.invitations.exclude(pk__in=present_ids).update(attended_at=None)
    round_.invitations.filter(pk__in=present_ids, attended_at__isnull=True).update(attended_at=round_.starts_at)
    rows_changed(Round, [round_.pk])
    return len(present_ids)
