"""Write operations of the participants app: accounts from invitations, memberships, profile, strategy."""

import datetime
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from strategy_exchange.celery import enqueue
from strategy_exchange.errors import DomainError
from strategy_exchange.mail import build_email
from strategy_exchange.models import OutboxMessage
from strategy_exchange.outbox import outbox_kind_register, outbox_put

from . import permissions
from .models import (
    AccountInvitation,
    Membership,
    MembershipChange,
    MembershipProposal,
    Organisation,
    Strategy,
    StrategyPage,
    User,
)
from .validators import validate_pdf

PROPOSAL_VALID_DAYS = 14


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
        Membership.objects.get_or_create(
            user=user, organisation_id=invitation.organisation_id, defaults={"role": invitation.role}
        )
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
        strategy.text_state = Strategy.TextState.PENDING
    elif remove_file:
        strategy.file = ""
        strategy.text_state = ""
    if file is not None or remove_file:
        strategy.text_page_count = None
        strategy.text_extracted_at = None
    with transaction.atomic():
        strategy.save()
        if file is not None or remove_file:
            # The text of the previous file goes with it; a new file's pages are read after the commit.
            StrategyPage.objects.filter(strategy=strategy).delete()
        if file is not None:
            from .tasks import extract_strategy_text

            strategy_id = strategy.pk
            transaction.on_commit(lambda: enqueue(extract_strategy_text, strategy_id))
    if old_file and old_file != strategy.file.name:
        transaction.on_commit(lambda: strategy.file.storage.delete(old_file))
    return strategy


def _pdf_name(organisation: Organisation) -> str:
    """Our own file name, never the uploaded one."""
    return f"strategie-{organisation.slug}-{timezone.now():%Y%m%d%H%M%S}.pdf"


def _open_proposals():
    return MembershipProposal.objects.filter(
        confirmed_at__isnull=True, declined_at__isnull=True, expires_at__gt=timezone.now()
    )


@transaction.atomic
def membership_propose(
    *, organisation: Organisation, user: User, role: str, proposed_by: User | None
) -> MembershipProposal:
    """Propose a person as representative. They become a member only by confirming through the emailed link;
    nobody proposes themselves."""
    if proposed_by is not None and proposed_by.pk == user.pk:
        raise DomainError(_("Sie können sich nicht selbst als Vertreter:in vorschlagen."), field="email")
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        raise DomainError(
            _("%(person)s gehört bereits zu %(organisation)s.") % {"person": user, "organisation": organisation},
            field="email",
        )
    if _open_proposals().filter(user=user, organisation=organisation).exists():
        raise DomainError(
            _("%(person)s ist bereits vorgeschlagen und hat noch nicht geantwortet.") % {"person": user},
            field="email",
        )
    proposal = MembershipProposal.objects.create(
        user=user,
        organisation=organisation,
        role=role,
        token=secrets.token_urlsafe(32),
        proposed_by=proposed_by,
        expires_at=timezone.now() + datetime.timedelta(days=PROPOSAL_VALID_DAYS),
    )
    outbox_put(kind="membership_proposal", object_id=proposal.pk, scope=f"organisation:{organisation.pk}")
    return proposal


def membership_proposal_render(message: OutboxMessage):
    """The link to confirm or decline, while the proposal is open."""
    proposal = (
        MembershipProposal.objects.select_related("user", "organisation", "proposed_by")
        .filter(pk=message.object_id)
        .first()
    )
    if proposal is None or not proposal.is_open:
        return None
    path = reverse("participants:membership_proposal", kwargs={"token": proposal.token})
    return build_email(
        template_prefix="emails/membership_proposal",
        context={"proposal": proposal, "recipient": proposal.user, "confirm_path": path},
        to=[proposal.user.email],
    )


def membership_proposal_sent(message: OutboxMessage) -> None:
    MembershipProposal.objects.filter(pk=message.object_id, notified_at__isnull=True).update(notified_at=timezone.now())


def _answer(*, proposal: MembershipProposal, user: User, **values) -> None:
    if proposal.user_id != user.pk:
        raise DomainError(_("Dieser Vorschlag richtet sich an eine andere Person."))
    if not _open_proposals().filter(pk=proposal.pk).update(**values):
        raise DomainError(_("Dieser Vorschlag ist nicht mehr gültig."))


@transaction.atomic
def membership_proposal_confirm(*, proposal: MembershipProposal, user: User) -> Membership:
    """The proposed person says yes: from now on they speak for the organisation."""
    _answer(proposal=proposal, user=user, confirmed_at=timezone.now())
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation_id=proposal.organisation_id, defaults={"role": proposal.role}
    )
    return membership


@transaction.atomic
def membership_proposal_decline(*, proposal: MembershipProposal, user: User) -> None:
    _answer(proposal=proposal, user=user, declined_at=timezone.now())


@transaction.atomic
def membership_end(*, membership: Membership, ended_by: User | None) -> MembershipChange:
    """End a membership, logged; the person is told by email. Who may do it is decided by the caller's floor."""
    change = MembershipChange.objects.create(
        user_id=membership.user_id,
        organisation_id=membership.organisation_id,
        action=MembershipChange.Action.REMOVED,
        changed_by=ended_by,
    )
    membership.delete()
    outbox_put(kind="membership_removed", object_id=change.pk, scope=f"organisation:{change.organisation_id}")
    return change


def membership_change_render(message: OutboxMessage):
    """Tell the person that their membership ended."""
    change = MembershipChange.objects.select_related("user", "organisation").filter(pk=message.object_id).first()
    if change is None or change.user is None or change.organisation is None:
        return None
    return build_email(
        template_prefix="emails/membership_removed",
        context={"change": change, "recipient": change.user},
        to=[change.user.email],
    )


def membership_change_sent(message: OutboxMessage) -> None:
    MembershipChange.objects.filter(pk=message.object_id, notified_at__isnull=True).update(notified_at=timezone.now())


def account_invitation_notify(*, invitation: AccountInvitation) -> bool:
    """Store the email with the sign-up link of a pending account (once per account invitation)."""
    scope = f"organisation:{invitation.organisation_id}" if invitation.organisation_id else ""
    return outbox_put(kind="account_invitation", object_id=invitation.pk, scope=scope) is not None


def account_invitation_render(message: OutboxMessage):
    """The sign-up link, while the account is not set up yet."""
    invitation = (
        AccountInvitation.objects.select_related("user", "organisation", "invited_by")
        .filter(pk=message.object_id, accepted_at__isnull=True)
        .first()
    )
    if invitation is None or not invitation.user.is_active:
        return None
    path = reverse("participants:invitation_signup", kwargs={"token": invitation.token})
    return build_email(
        template_prefix="emails/account_invitation",
        context={"invitation": invitation, "recipient": invitation.user, "signup_url": f"{settings.SITE_URL}{path}"},
        to=[invitation.user.email],
    )


def outbox_kinds_register() -> None:
    """The messages of this app, for the outbox (called when the app is ready)."""
    outbox_kind_register("account_invitation", render=account_invitation_render)
    outbox_kind_register("membership_proposal", render=membership_proposal_render, sent=membership_proposal_sent)
    outbox_kind_register("membership_removed", render=membership_change_render, sent=membership_change_sent)
