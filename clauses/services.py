"""Write operations of the clauses app: the clause library and how a strategy handles a clause."""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from participants import permissions
from participants.models import Strategy, User
from strategy_exchange.errors import DomainError

from .models import Clause, ClauseRevision, Position
from .selectors import REVISED_FIELDS


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


def _clean(values: dict) -> dict:
    cleaned = {name: (value.strip() if isinstance(value, str) else value) for name, value in values.items()}
    if not cleaned.get("title"):
        raise DomainError(_("Bitte geben Sie den Titel der Klausel an."), field="title")
    number = cleaned.get("number")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise DomainError(_("Die Nummer ist eine ganze Zahl ab 1."), field="number")
    return cleaned


def _duplicate_number(number: int) -> DomainError:
    return DomainError(
        _("Es gibt bereits eine Klausel § %(number)s. Bitte wählen Sie eine andere Nummer.") % {"number": number},
        field="number",
    )


def _record_revision(*, clause: Clause, author: User | None, changed_fields: list[str]) -> ClauseRevision:
    latest = clause.revisions.aggregate(latest=Max("revision"))["latest"] or 0
    return ClauseRevision.objects.create(
        clause=clause,
        revision=latest + 1,
        changed_fields=changed_fields,
        author=author if author is not None and author.is_authenticated else None,
        **{name: getattr(clause, name) for name in REVISED_FIELDS},
    )


@transaction.atomic
def clause_create(
    *,
    number: int,
    title: str,
    typical_wording: str = "",
    explanation: str = "",
    keywords: str = "",
    author: User | None = None,
) -> Clause:
    """Add a clause to the library (its number must be unused), stored as its first version."""
    values = _clean(
        {
            "number": number,
            "title": title,
            "typical_wording": typical_wording,
            "explanation": explanation,
            "keywords": keywords,
        }
    )
    if Clause.objects.filter(number=values["number"]).exists():
        raise _duplicate_number(values["number"])
    try:
        with transaction.atomic():
            clause = Clause.objects.create(**values)
    except IntegrityError:
        raise _duplicate_number(values["number"]) from None
    _record_revision(clause=clause, author=author, changed_fields=list(REVISED_FIELDS))
    return clause


@transaction.atomic
def clause_update(*, clause: Clause, author: User | None, **values) -> Clause:
    """Change a clause. A change is stored as a new version (who, when, which fields); saving without a
    change stores nothing. The clause's version moves on, so its cached page shows the change at once."""
    unknown = set(values) - set(REVISED_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    clause = Clause.objects.select_for_update().get(pk=clause.pk)
    values = _clean({name: values.get(name, getattr(clause, name)) for name in REVISED_FIELDS})
    changed = [name for name in REVISED_FIELDS if values[name] != getattr(clause, name)]
    if not changed:
        return clause
    if "number" in changed and Clause.objects.filter(number=values["number"]).exclude(pk=clause.pk).exists():
        raise _duplicate_number(values["number"])
    if not clause.revisions.exists():  # a clause from before versions were kept: its state so far comes first
        _record_revision(clause=clause, author=None, changed_fields=[])
    for name in changed:
        setattr(clause, name, values[name])
    try:
        with transaction.atomic():
            clause.save()
    except IntegrityError:
        raise _duplicate_number(values["number"]) from None
    _record_revision(clause=clause, author=author, changed_fields=changed)
    clause.refresh_from_db()
    return clause
