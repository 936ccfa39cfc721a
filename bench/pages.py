"""The pages under load: a table of URL names, and who opens which object.

To measure another page, add a row to ``PAGES``; a URL name that does not resolve is reported as
"not available" instead of failing the run.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count
from django.urls import NoReverseMatch, reverse

from bench.data import BENCH_ROUND_TITLE
from participants.models import Strategy
from rounds.models import AgendaItem, Comment, Invitation, Round

ORGANISER = "organiser"
READER = "reader"  # an accepted invitee of the benchmark round
THREAD_READER = "thread reader"  # the same, the author of the thread's first comment first
LARGEST_READER = "largest thread reader"  # an accepted invitee of the round with the largest thread
ANONYMOUS = "anonymous"
READERS = 200
SEARCH_QUERY = "q=Beteiligung+Zivilgesellschaft"
SEARCH_P99_TARGET_MS = 150.0


@dataclass(frozen=True)
class Thread:
    """A discussion under load: an agenda item, its number of comments and the people who may read it, the
    author of its first comment first (if a reader): the first page shows them their own comment with its
    links, on small and on scale data alike."""

    agenda_item_id: int
    round_id: int
    clause_number: int
    comments: int
    readers: tuple[int, ...]


@dataclass(frozen=True)
class Targets:
    """The objects the pages show: the benchmark round (300 comments at scale), the largest thread of the
    data, and the people who open them: the organiser and up to ``READERS`` accepted invitees of each round."""

    round_id: int
    series_slug: str
    organiser_id: int
    readers: tuple[int, ...]  # of the benchmark round, those whose organisation has a strategy first
    thread: Thread  # the benchmark round's first agenda item
    largest: Thread  # the agenda item with the most comments

    @property
    def clause_number(self) -> int:
        return self.thread.clause_number

    @property
    def representative_id(self) -> int:
        return self.readers[0]

    def user_ids(self, role: str) -> tuple[int, ...]:
        """Who opens a page of ``role``: one session each, the first one for single requests."""
        return {
            ORGANISER: (self.organiser_id,),
            READER: self.readers,
            THREAD_READER: self.thread.readers,
            LARGEST_READER: self.largest.readers,
        }.get(role, ())

    def user_id(self, role: str) -> int | None:
        users = self.user_ids(role)
        return users[0] if users else None

    def describe(self) -> str:
        same = " (the same thread)" if self.largest.agenda_item_id == self.thread.agenda_item_id else ""
        return (
            f"round {self.round_id} (series {self.series_slug!r}, organiser {self.organiser_id}): clause "
            f"{self.thread.clause_number} with {self.thread.comments:,} comments, {len(self.readers)} readers; "
            f"largest thread: agenda item {self.largest.agenda_item_id} of round {self.largest.round_id}, "
            f"{self.largest.comments:,} comments, {len(self.largest.readers)} readers{same}"
        )


@dataclass(frozen=True)
class Page:
    name: str
    url_name: str
    role: str
    kwargs: Callable[[Targets], dict]
    acceptance: bool = False
    # A discussion: its thread, into which the writer puts comments while the page is measured a second time.
    thread: Callable[[Targets], Thread] | None = None
    query: str = ""  # the query string of the request, e.g. a search
    p99_target_ms: float | None = None  # a page's own p99 target, instead of the acceptance pages' one

    def url(self, targets: Targets) -> str | None:
        """The page's path, or None when the URL name does not exist (yet)."""
        try:
            path = reverse(self.url_name, kwargs=self.kwargs(targets))
        except NoReverseMatch:
            return None
        return f"{path}?{self.query}" if self.query else path


def _discussion(thread: Thread) -> dict:
    return {"round_pk": thread.round_id, "number": thread.clause_number}


PAGES = [
    Page("organiser dashboard", "orga:dashboard", ORGANISER, lambda t: {}),
    Page("series page", "orga:series_detail", ORGANISER, lambda t: {"slug": t.series_slug}),
    Page("organiser round page", "orga:round_detail", ORGANISER, lambda t: {"pk": t.round_id}),
    Page("round page", "rounds:round_detail", READER, lambda t: {"pk": t.round_id}, acceptance=True),
    Page(
        "round discussion",
        "rounds:discussion",
        THREAD_READER,
        lambda t: _discussion(t.thread),
        acceptance=True,
        thread=lambda t: t.thread,
    ),
    Page(
        "largest discussion",
        "rounds:discussion",
        LARGEST_READER,
        lambda t: _discussion(t.largest),
        acceptance=True,
        thread=lambda t: t.largest,
    ),
    Page("clause page", "rounds:clause_history", READER, lambda t: {"number": t.clause_number}, acceptance=True),
    Page("comparison matrix", "clauses:matrix", READER, lambda t: {}, acceptance=True),
    # Two words that occur together in one of the generated comment sentences (and in the demo data).
    Page("search, two words", "search", READER, lambda t: {}, query=SEARCH_QUERY, p99_target_ms=SEARCH_P99_TARGET_MS),
]
BARE = Page("bare Django view", "bench_bare", ANONYMOUS, lambda t: {})
LARGEST_DISCUSSION = next(page for page in PAGES if page.name == "largest discussion")


def round_readers(*, round_id: int, limit: int = READERS, first: int | None = None) -> tuple[int, ...]:
    """Up to ``limit`` active people with an accepted invitation to the round: ``first`` first if one of them,
    then those whose organisation has a strategy (the matrix and the clause page show it), then the others."""
    accepted = Invitation.objects.filter(round_id=round_id, rsvp=Invitation.Rsvp.ACCEPTED, user__is_active=True)
    leading = list(accepted.filter(user_id=first).values_list("user_id", flat=True)[:1]) if first else []
    with_strategy = accepted.filter(organisation__in=Strategy.objects.values("organisation"))
    leading += with_strategy.order_by("pk").values_list("user_id", flat=True)[:limit]
    leading = list(dict.fromkeys(leading))[:limit]
    rest = accepted.exclude(user_id__in=leading).order_by("pk").values_list("user_id", flat=True)
    return (*leading, *rest[: limit - len(leading)])


def _thread(item: AgendaItem, *, readers: int) -> Thread:
    comments = Comment.objects.filter(agenda_item=item)
    first = comments.filter(parent__isnull=True).order_by("created_at", "pk").values_list("author_id", flat=True)
    return Thread(
        agenda_item_id=item.pk,
        round_id=item.round_id,
        clause_number=item.clause.number,
        comments=comments.count(),
        readers=round_readers(round_id=item.round_id, limit=readers, first=first.first()),
    )


def largest_thread_item() -> AgendaItem | None:
    """The agenda item with the most comments (the lowest id among equals), with its clause."""
    top = Comment.objects.values("agenda_item").annotate(n=Count("pk")).order_by("-n", "agenda_item").first()
    if top is None:
        return None
    return AgendaItem.objects.select_related("clause").get(pk=top["agenda_item"])


def targets_resolve(*, readers: int = READERS) -> Targets:
    """The benchmark round of the scale data; on demo data the held round with the most comments."""
    round_ = Round.objects.filter(title=BENCH_ROUND_TITLE).select_related("series").order_by("pk").first()
    if round_ is None:
        round_ = (
            Round.objects.filter(status__in=[Round.Status.HELD, Round.Status.PUBLISHED])
            .annotate(comment_count=Count("agenda_items__comments"))
            .select_related("series")
            .order_by("-comment_count", "pk")
            .first()
        )
    if round_ is None:
        raise LookupError("no held round to measure: load demo data or generate scale data first")
    first_item = round_.agenda_items.select_related("clause").order_by("order", "clause__number").first()
    organiser = round_.series.organisers.order_by("pk").first()
    if first_item is None or organiser is None:
        raise LookupError(f"round {round_.pk} lacks an agenda or an organiser")
    thread = _thread(first_item, readers=readers)
    largest_item = largest_thread_item() or first_item
    largest = thread if largest_item.pk == first_item.pk else _thread(largest_item, readers=readers)
    for each in (thread, largest):
        if not each.readers:
            raise LookupError(f"round {each.round_id} has no accepted invitation: nobody to read its pages")
    return Targets(
        round_id=round_.pk,
        series_slug=round_.series.slug,
        organiser_id=organiser.pk,
        readers=round_readers(round_id=round_.pk, limit=readers),
        thread=thread,
        largest=largest,
    )
