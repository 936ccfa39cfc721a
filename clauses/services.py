"""Write operations of the clauses app: the clause library and how a strategy handles a clause."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from participants import permissions
from participants.models import Strategy, User
from strategy_exchange.errors import DomainError

from .models import Clause, Position


def position_save(
    *, strategy: Strategy, clause: Clause, user: User, status: str, quote: str = "", page: int | None = None
) -> Position:
    """Record whether the strategy contains the clause (fully, partly or not), with quote and page."""
    if not permissions.can_edit_strategy(user, strategy.organisation):
        raise DomainError(_("Nur Vertreter:innen der Organisation können ihre Strategie bearbeiten."))
    if status not in Position.Status.values:
        raise DomainError(_("Bitte wählen Sie, ob die Strategie die Klausel enthält."), field="status")
    quote = (quote or "").strip()
    position, _created = Position.objects.update_or_create(
        strategy=strategy,
        clause=clause,
        defaults={"status": status, "quote": quote, "page": page, "updated_by": user},
    )
    return position


def clause_create(*, number: int, title: str, typical_wording: str = "", explanation: str = "") -> Clause:
    """Add a clause to the library; its number must be unused."""
    duplicate = DomainError(
        _("Es gibt bereits eine Klausel § %(number)s. Bitte wählen Sie eine andere Nummer.") % {"number": number},
        field="number",
    )
    if Clause.objects.filter(number=number).exists():
        raise duplicate
    try:
        with transaction.atomic():
            clause = Clause.objects.create(
                number=number, title=title, typical_wording=typical_wording, explanation=explanation
            )
    except IntegrityError:
        raise duplicate from None
    return clause
