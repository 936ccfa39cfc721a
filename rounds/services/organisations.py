"""Organisations and their representatives, maintained by organisers without the admin."""

import secrets

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext

from participants.models import AccountInvitation, Membership, Organisation, User
from strategy_exchange.errors import DomainError

FIELDS = ("name", "kind", "state", "place", "ags", "website")


def _unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:180] or "organisation"
    slug, counter = base, 2
    while Organisation.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def _check_ags(ags: str | None, *, exclude_pk: int | None = None) -> None:
    if ags and Organisation.objects.filter(ags=ags).exclude(pk=exclude_pk).exists():
        raise DomainError(
            gettext("Dieser Amtliche Gemeindeschlüssel ist bereits einer anderen Organisation zugeordnet."), field="ags"
        )


@transaction.atomic
def organisation_create(
    *, name: str, kind: str, state: str = "", place: str = "", ags: str | None = None, website: str = ""
) -> Organisation:
    _check_ags(ags)
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                name=name,
                slug=_unique_slug(name),
                kind=kind,
                state=state,
                place=place,
                ags=ags or None,
                website=website,
            )
    except IntegrityError:
        raise DomainError(
            gettext("Die Organisation konnte nicht angelegt werden, bitte versuchen Sie es erneut.")
        ) from None
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, **values) -> Organisation:
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    _check_ags(values.get("ags"), exclude_pk=organisation.pk)
    for name, value in values.items():
        setattr(organisation, name, value)
    organisation.ags = organisation.ags or None
    organisation.save()
    return organisation


def person_get_or_invite(
    *, email: str, full_name: str = "", organisation: Organisation | None, invited_by: User | None
) -> tuple[User, bool]:
    """The person with this email address; someone new gets an account without a password and a pending
    account invitation (they choose a password through its link). Returns (person, created)."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user, False
    try:
        with transaction.atomic():
            user = User(email=email, full_name=full_name.strip())
            user.set_unusable_password()
            user.save()
            AccountInvitation.objects.create(
                user=user, organisation=organisation, token=secrets.token_urlsafe(32), invited_by=invited_by
            )
    except IntegrityError:
        return User.objects.get(email__iexact=email), False
    return user, True


@transaction.atomic
def representative_add(
    *, organisation: Organisation, email: str, full_name: str = "", role: str, invited_by: User | None
) -> Membership:
    """Add a person as representative (or main contact) of an organisation, creating a pending account if new."""
    user, _ = person_get_or_invite(email=email, full_name=full_name, organisation=organisation, invited_by=invited_by)
    if not user.full_name and full_name.strip():
        user.full_name = full_name.strip()
        user.save(update_fields=["full_name"])
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    if not created:
        raise DomainError(
            gettext("%(person)s gehört bereits zu %(organisation)s.") % {"person": user, "organisation": organisation},
            field="email",
        )
    return membership


def representative_remove(*, membership: Membership) -> None:
    """End a membership. The person's account and earlier invitations stay."""
    membership.delete()
