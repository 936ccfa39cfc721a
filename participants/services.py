"""Write operations of the participants app: accounts from invitations, profile, strategy."""

import datetime

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from strategy_exchange.errors import DomainError

from . import permissions
from .models import AccountInvitation, Membership, Organisation, Strategy, User
from .validators import validate_pdf


@transaction.atomic
def account_signup_from_invitation(*, invitation: AccountInvitation, full_name: str, password: str) -> User:
    """Turn a pending account into a real one: name, password, membership in the inviting organisation,
    and the email address marked as verified (the person received the link by email). Usable once."""
    user = invitation.user
    if user.has_usable_password():
        raise DomainError(_("Zu dieser E-Mail-Adresse gibt es bereits ein Konto. Bitte melden Sie sich an."))
    claimed = AccountInvitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        accepted_at=timezone.now()
    )
    if not claimed:
        raise DomainError(_("Diese Einladung wurde bereits verwendet. Bitte melden Sie sich an."))
    full_name = (full_name or "").strip()
    if not full_name:
        raise DomainError(_("Bitte geben Sie Ihren Namen an."), field="full_name")
    user.full_name = full_name
    user.is_active = True
    user.set_password(password)
    user.save(update_fields=["full_name", "is_active", "password"])
    if invitation.organisation_id is not None:
        Membership.objects.get_or_create(user=user, organisation_id=invitation.organisation_id)
    address, _created = EmailAddress.objects.get_or_create(
        user=user, email__iexact=user.email, defaults={"email": user.email, "verified": True, "primary": True}
    )
    if not address.verified or not address.primary:
        EmailAddress.objects.filter(user=user).exclude(pk=address.pk).update(primary=False)
        address.verified = True
        address.primary = True
        address.save(update_fields=["verified", "primary"])
    return user


def profile_update(*, user: User, full_name: str) -> User:
    full_name = (full_name or "").strip()
    if not full_name:
        raise DomainError(_("Bitte geben Sie Ihren Namen an."), field="full_name")
    user.full_name = full_name
    user.save(update_fields=["full_name"])
    return user


def strategy_save(
    *,
    organisation: Organisation,
    user: User,
    strategy: Strategy | None,
    title: str,
    adopted_on: datetime.date | None,
    url: str,
    file: UploadedFile | None = None,
    remove_file: bool = False,
    update_cycle_months: int | None = None,
) -> Strategy:
    """Create or change the organisation's strategy: a title and a link or a PDF (≤ 20 MB, checked by content)."""
    if not permissions.can_edit_strategy(user, organisation):
        raise DomainError(_("Nur Vertreter:innen der Organisation können ihre Strategie bearbeiten."))
    if strategy is not None and strategy.organisation_id != organisation.pk:
        raise DomainError(_("Diese Strategie gehört zu einer anderen Organisation."))
    if adopted_on is not None and adopted_on > timezone.localdate():
        raise DomainError(_("Das Beschlussdatum darf nicht in der Zukunft liegen."), field="adopted_on")
    if file is not None:
        try:
            validate_pdf(file)
        except ValidationError as error:
            raise DomainError(error.messages[0], field="file") from error
    keeps_file = strategy is not None and bool(strategy.file) and not remove_file
    if not url and file is None and not keeps_file:
        raise DomainError(
            _("Bitte geben Sie einen Link zur Strategie an oder laden Sie sie als PDF hoch."), field="url"
        )
    strategy = strategy or Strategy(organisation=organisation)
    old_file = strategy.file.name if strategy.file and (file is not None or remove_file) else None
    strategy.title = title.strip()
    strategy.adopted_on = adopted_on
    strategy.url = url
    strategy.update_cycle_months = update_cycle_months
    if file is not None:
        strategy.file.save(_pdf_name(organisation), file, save=False)
    elif remove_file:
        strategy.file = ""
    strategy.save()
    if old_file and old_file != strategy.file.name:
        transaction.on_commit(lambda: strategy.file.storage.delete(old_file))
    return strategy


def _pdf_name(organisation: Organisation) -> str:
    """Our own file name, never the uploaded one."""
    return f"strategie-{organisation.slug}-{timezone.now():%Y%m%d%H%M%S}.pdf"
