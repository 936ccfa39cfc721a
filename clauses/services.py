"""Write operations of the clauses app: the clause library and how a strategy handles a clause."""

import hashlib

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from participants import permissions
from participants.models import Strategy, User
from strategy_exchange.celery import enqueue
from strategy_exchange.errors import DomainError
from strategy_exchange.fragments import rows_changed

from . import ranking
from .models import Clause, ClauseRevision, Position, Suggestion
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
    with transaction.atomic():
        position, _created = Position.objects.update_or_create(
            strategy=strategy,
            clause=clause,
            defaults={"status": status, "quote": quote, "page": page, "updated_by": user},
        )
        # The clause is answered: what was still proposed for it has nothing left to decide.
        Suggestion.objects.filter(strategy=strategy, clause=clause, status=Suggestion.Status.OPEN).delete()
    return position


def _digest(passage: str) -> str:
    return hashlib.sha256(" ".join(passage.lower().split()).encode()).hexdigest()


def suggestions_refresh(*, strategy_id: int) -> int:
    """Propose up to three passages of the strategy's pages for every clause it has no position for yet,
    replacing the open proposals; a passage dismissed or accepted for a clause is never proposed for it
    again. The number of open suggestions afterwards."""
    with transaction.atomic():
        strategy = Strategy.objects.select_for_update().filter(pk=strategy_id).first()
        if strategy is None:
            return 0
        Suggestion.objects.filter(strategy=strategy, status=Suggestion.Status.OPEN).delete()
        answered = set(Position.objects.filter(strategy=strategy).values_list("clause_id", flat=True))
        clauses = [clause for clause in Clause.objects.order_by("number") if clause.pk not in answered]
        decided = set(Suggestion.objects.filter(strategy=strategy).values_list("clause_id", "digest"))
        new = []
        for clause_id, candidates in ranking.suggestion_candidates(strategy_id=strategy.pk, clauses=clauses).items():
            for candidate in candidates:
                digest = _digest(candidate.passage)
                if not candidate.passage or (clause_id, digest) in decided:
                    continue
                decided.add((clause_id, digest))
                new.append(
                    Suggestion(
                        strategy=strategy,
                        clause_id=clause_id,
                        page_id=candidate.page_id,
                        page_number=candidate.page_number,
                        passage=candidate.passage,
                        digest=digest,
                        score=candidate.score,
                        rank=len([s for s in new if s.clause_id == clause_id]) + 1,
                    )
                )
        created = Suggestion.objects.bulk_create(new)
        rows_changed(Suggestion, [suggestion.pk for suggestion in created])
    return len(created)


def _decide(*, suggestion: Suggestion, user: User, status: str) -> None:
    if not permissions.can_edit_strategy(user, suggestion.strategy.organisation):
        raise DomainError(_("Nur Vertreter:innen der Organisation können ihre Strategie bearbeiten."))
    rows = Suggestion.objects.filter(pk=suggestion.pk, status=Suggestion.Status.OPEN, page__isnull=False)
    if not rows.update(status=status, decided_by=user, decided_at=timezone.now()):
        raise DomainError(_("Über diesen Vorschlag ist bereits entschieden."))
    rows_changed(Suggestion, [suggestion.pk])


@transaction.atomic
def suggestion_accept(
    *, suggestion: Suggestion, user: User, status: str, quote: str = "", page: int | None = None
) -> Position:
    """Take a proposed passage into the strategy's position on the clause (as the representative edited it)."""
    _decide(suggestion=suggestion, user=user, status=Suggestion.Status.ACCEPTED)
    return position_save(
        strategy=suggestion.strategy, clause=suggestion.clause, user=user, status=status, quote=quote, page=page
    )


@transaction.atomic
def suggestion_dismiss(*, suggestion: Suggestion, user: User) -> None:
    """The passage does not fit the clause: it is not proposed for it again."""
    _decide(suggestion=suggestion, user=user, status=Suggestion.Status.DISMISSED)


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
    from .tasks import refresh_all_suggestions

    # A new clause gets its suggestions from every strategy whose text is read (in the background).
    transaction.on_commit(lambda: enqueue(refresh_all_suggestions))
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


def strategies_with_text() -> list[int]:
    """The strategies whose PDF text is stored: the ones suggestions are made from."""
    return list(Strategy.objects.filter(text_state=Strategy.TextState.DONE).order_by("pk").values_list("pk", flat=True))
