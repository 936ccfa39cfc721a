"""Comments written while pages are under load, through the comments service as a participant writes them.

``comments_write`` posts at a fixed rate into a list of agenda items, bounded in time and count; the
benchmark runs it in a process of its own (``python -m bench.writer``). Its comments start with ``MARK``
and are removed again after the measurement (``comments_remove``), so that every run finds the same data.
The service accepts comments only while a round's comment window is open; ``comment_windows_opened``
widens the windows of the series concerned for the duration and restores them afterwards.
"""

import datetime
import json
import math
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from participants.models import User
from rounds.models import AgendaItem, Comment, Invitation, Round, Series
from rounds.services.comments import comment_post, comment_window
from strategy_exchange.errors import DomainError

MARK = "[Lastmessung]"
SENTENCES = [
    "Wir haben die Klausel in der Fortschreibung unserer Strategie aufgegriffen.",
    "Bei uns lag die Federführung beim Hauptamt, die Fachämter kamen über eine Lenkungsgruppe dazu.",
    "Die Beteiligung der Wirtschaft lief über die Kammern, das hat gut funktioniert.",
    "Eine Evaluation nach zwei Jahren ist bei uns im Stadtratsbeschluss festgehalten.",
    "Uns fehlt noch ein Verfahren, wie Ergebnisse in den Haushalt einfließen.",
    "Das würden wir gern in der nächsten Runde vertiefen.",
]
AUTHORS = 50  # people per round who write
MAX_FAILURES = 20  # refusals in a row after which the writer gives up
WINDOW_DAYS_MAX = 32_767  # the columns' limit (PositiveSmallIntegerField)
DAY_S = 86_400


@dataclass(frozen=True)
class WriteTarget:
    """An agenda item to write into and the people who may: accepted invitees of its round."""

    agenda_item_id: int
    round_id: int
    authors: tuple[int, ...]


@dataclass(frozen=True)
class WriteSummary:
    written: int
    refused: int
    seconds: float
    comment_ids: tuple[int, ...]
    last_error: str = ""


def _authors(round_id: int, limit: int = AUTHORS) -> tuple[int, ...]:
    accepted = Invitation.objects.filter(round_id=round_id, rsvp=Invitation.Rsvp.ACCEPTED, user__is_active=True)
    return tuple(accepted.order_by("pk").values_list("user_id", flat=True)[:limit])


def targets_into(*, agenda_item_id: int) -> list[WriteTarget]:
    """The one agenda item, written into by accepted invitees of its round."""
    item = AgendaItem.objects.get(pk=agenda_item_id)
    return [WriteTarget(item.pk, item.round_id, _authors(item.round_id))]


def targets_elsewhere(*, exclude_round_ids: Iterable[int], rounds: int = 6) -> list[WriteTarget]:
    """Every agenda item of ``rounds`` other rounds with accepted invitees, those nearest to today first (whose
    discussions are open or about to open), neither cancelled nor drafts."""
    now = timezone.now()
    candidates = (
        Round.objects.exclude(pk__in=list(exclude_round_ids))
        .exclude(status__in=[Round.Status.CANCELLED, Round.Status.DRAFT])
        .filter(invitations__rsvp=Invitation.Rsvp.ACCEPTED, agenda_items__isnull=False)
        .distinct()
        .only("pk", "starts_at")
    )
    nearest = sorted(candidates, key=lambda round_: (abs(round_.starts_at - now), round_.pk))[:rounds]
    items = AgendaItem.objects.filter(round__in=nearest).order_by("round_id", "order", "pk")
    authors = {round_.pk: _authors(round_.pk) for round_ in nearest}
    return [WriteTarget(item.pk, item.round_id, authors[item.round_id]) for item in items if authors[item.round_id]]


def writer_plan(*, targets: list[WriteTarget], rate: float, seconds: float) -> dict:
    """What a writer process does: ``rate`` comments per second for at most ``seconds``, at most as many
    comments as that takes."""
    return {
        "rate": rate,
        "seconds": seconds,
        "count": math.ceil(rate * seconds),
        "targets": [asdict(target) for target in targets],
    }


def _body(number: int) -> str:
    sentences = [SENTENCES[(number + k) % len(SENTENCES)] for k in range(1 + number % 3)]
    return f"{MARK} Beitrag {number}: " + " ".join(sentences)


def comments_write(
    *,
    targets: list[WriteTarget],
    rate: float,
    seconds: float,
    count: int,
    record: Callable[[dict], None] = lambda entry: None,
    stop: threading.Event | None = None,
) -> WriteSummary:
    """Post ``rate`` comments per second through ``comment_post``, round robin over ``targets``, each by one of
    its authors; stop after ``seconds``, after ``count`` comments, at ``stop`` or after ``MAX_FAILURES``
    refusals in a row. ``record`` gets every comment (``t``, ``comment``, ``agenda_item``) or refusal."""
    targets = [target for target in targets if target.authors]
    if not targets or rate <= 0:
        return WriteSummary(0, 0, 0.0, ())
    stop = stop or threading.Event()
    items = AgendaItem.objects.select_related("round__series", "clause").in_bulk(
        [target.agenda_item_id for target in targets]
    )
    users = User.objects.in_bulk({author for target in targets for author in target.authors})
    levels = list(Comment.Confidentiality.values)
    # Which author writes next; not a secret.
    rng = random.Random(count)  # noqa: S311  # nosec B311
    ids: list[int] = []
    refused = failures = 0
    last_error = ""
    started = time.monotonic()
    deadline = started + seconds
    for number in range(count):
        due = started + number / rate
        if due >= deadline or stop.wait(max(0.0, due - time.monotonic())):
            break
        target = targets[number % len(targets)]
        try:
            with transaction.atomic():
                comment = comment_post(
                    agenda_item=items[target.agenda_item_id],
                    author=users[rng.choice(target.authors)],
                    body=_body(number + 1),
                    confidentiality=levels[number % len(levels)],
                    parent=None,
                )
        except DomainError as error:
            refused, failures, last_error = refused + 1, failures + 1, str(error)
            record({"t": time.time(), "agenda_item": target.agenda_item_id, "refused": last_error})
            if failures >= MAX_FAILURES:
                break
            continue
        failures = 0
        ids.append(comment.pk)
        record({"t": time.time(), "agenda_item": target.agenda_item_id, "comment": comment.pk})
    return WriteSummary(len(ids), refused, time.monotonic() - started, tuple(ids), last_error)


def written_between(records: list[dict], *, start: float, end: float) -> int:
    """Comments a writer recorded from ``start`` to ``end`` (``time.time()`` seconds)."""
    return sum(1 for entry in records if "comment" in entry and start <= entry["t"] <= end)


def comments_remove() -> int:
    """Remove every comment the writers left (also those of an interrupted run), through the ORM so that
    what caches the threads moves on."""
    removed, _ = Comment.objects.filter(body__startswith=MARK).delete()
    return removed


def _days(delta: datetime.timedelta) -> int:
    return max(0, math.ceil(delta.total_seconds() / DAY_S))


def _windows_restore(originals: dict[int, tuple[int, int]]) -> None:
    for series in Series.objects.filter(pk__in=list(originals)):
        series.comment_days_before, series.comment_days_after = originals[series.pk]
        series.save(update_fields=["comment_days_before", "comment_days_after"])


@contextmanager
def comment_windows_opened(*, round_ids: Iterable[int], seconds: float, journal: Path) -> Iterator[list[str]]:
    """Keep the comment windows of the rounds open from now for ``seconds``: the series whose window does not
    reach that far get more days before or after a round's start, restored on leaving. ``journal`` keeps the
    original values meanwhile; one left by an interrupted run is restored first. Yields what was widened."""
    if journal.exists():
        _windows_restore({int(pk): tuple(days) for pk, days in json.loads(journal.read_text()).items()})
        journal.unlink()
    now = timezone.now()
    until = now + datetime.timedelta(seconds=seconds)
    needed: dict[int, list[int]] = {}
    rounds = Round.objects.filter(pk__in=list(round_ids)).select_related("series")
    for round_ in rounds:
        window = comment_window(round_=round_)
        if window.is_open(now) and window.is_open(until):
            continue
        before, after = needed.setdefault(round_.series_id, [0, 0])
        needed[round_.series_id] = [
            max(before, _days(round_.starts_at - now) + 1),
            max(after, _days(until - round_.starts_at) + 1),
        ]
    series_list = list(Series.objects.filter(pk__in=list(needed)).order_by("pk"))
    originals = {series.pk: (series.comment_days_before, series.comment_days_after) for series in series_list}
    if originals:
        journal.parent.mkdir(parents=True, exist_ok=True)
        journal.write_text(json.dumps({str(pk): days for pk, days in originals.items()}) + "\n")
    widened = []
    try:
        for series in series_list:
            before, after = needed[series.pk]
            series.comment_days_before = min(WINDOW_DAYS_MAX, max(series.comment_days_before, before))
            series.comment_days_after = min(WINDOW_DAYS_MAX, max(series.comment_days_after, after))
            series.save(update_fields=["comment_days_before", "comment_days_after"])
            widened.append(
                f"{series.slug}: {originals[series.pk][0]}/{originals[series.pk][1]} → "
                f"{series.comment_days_before}/{series.comment_days_after} days before/after a round"
            )
        yield widened
    finally:
        if originals:
            _windows_restore(originals)
            journal.unlink(missing_ok=True)
