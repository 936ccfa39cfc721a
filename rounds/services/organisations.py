"""The representatives of organisations, maintained by organisers without the admin (the directory of
organisations itself is ``participants.directory``)."""

import secrets

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from participants.models import AccountInvitation, Membership, Organisation, User
from participants.services import account_invitation_notify, membership_end, membership_propose
from rounds.permissions import can_remove_representative
from strategy_exchange.errors import DomainError
from strategy_exchange.limits import EMAIL_MAX_LENGTH


def person_get_or_invite(
    *,
    email: str,
    full_name: str = "",
    organisation: Organisation | None,
    invited_by: User | None,
    role: str = Membership.Role.REPRESENTATIVE,
) -> tuple[User, bool]:
    """The person with this email address; someone new gets an account without a password and a pending
    account invitation (they choose a password through its link). Returns (person, created)."""
    email = email.strip().lower()
    if len(email) > EMAIL_MAX_LENGTH:
        raise DomainError(
            gettext("Eine E-Mail-Adresse darf höchstens %(limit)d Zeichen haben.") % {"limit": EMAIL_MAX_LENGTH},
            field="email",
        )
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user, False
    try:
        with transaction.atomic():
            user = User(email=email, full_name=full_name.strip())
            user.set_unusable_password()
            user.save()
            AccountInvitation.objects.create(
                user=user, organisation=organisation, role=role, token=secrets.token_urlsafe(32), invited_by=invited_by
            )
    except IntegrityError:
        return User.objects.get(email__iexact=email), False
    return user, True


@transaction.atomic
def representative_add(
    *, organisation: Organisation, email: str, full_name: str = "", role: str, invited_by: User | None
) -> tuple[User, bool]:
    """Propose a person as representative (or main contact) of an organisation. Someone new gets a pending
    account whose invitation makes them a member when they accept it; an existing account gets a proposal
    to confirm by email. Returns (person, created). Nobody adds themselves."""
    email = email.strip().lower()
    if invited_by is not None and invited_by.email.lower() == email:
        raise DomainError(gettext("Sie können sich nicht selbst als Vertreter:in vorschlagen."), field="email")
    user, created = person_get_or_invite(
        email=email, full_name=full_name, organisation=organisation, invited_by=invited_by, role=role
    )
    if created:
        # Not invited to a round (whose invitation would carry the sign-up link): the account invitation itself.
        account_invitation_notify(invitation=user.account_invitation)
        return user, True
    if not user.full_name and full_name.strip():
        user.full_name = full_name.strip()
        user.save(update_fields=["full_name"])
    pending = getattr(user, "account_invitation", None)
    if pending is not None and pending.accepted_at is None and pending.organisation_id == organisation.pk:
        if account_invitation_notify(invitation=pending):  # never mailed, e.g. recorded for a past round
            return user, True
        raise DomainError(
            gettext("%(person)s ist bereits eingeladen und hat das Konto noch nicht eingerichtet.") % {"person": user},
            field="email",
        )
    membership_propose(organisation=organisation, user=user, role=role, proposed_by=invited_by)
    return user, False


def representative_remove(*, membership: Membership, removed_by: User) -> None:
    """End a membership (logged, the person is told by email). The person's account and earlier invitations
    stay. Only admins and organisers of a series the organisation takes part in."""
    if not can_remove_representative(removed_by, membership.organisation):
        raise DomainError(
            gettext(
                "Nur Organisator:innen einer Reihe, an der die Organisation teilnimmt, können Vertreter:innen entfernen."
            )
        )
    membership_end(membership=membership, ended_by=removed_by)
