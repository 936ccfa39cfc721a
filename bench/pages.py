"""The pages under load: a table of URL names, and who opens which object.

To measure another page, add a row to ``PAGES``; a URL name that does not resolve is reported as
"not available" instead of failing the run.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count
from django.urls import NoReverseMatch, reverse

from participants.models import Strategy
from rounds.models import Invitation, Round
from rounds.scale import BENCH_ROUND_TITLE

ORGANISER = "organiser"
REPRESENTATIVE = "representative"
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Targets:
    """The objects the pages show: the benchmark round (300 comments at scale) and people who may see it."""

    round_id: int
    series_slug: str
    clause_number: int
    organiser_id: int
    representative_id: int

    def user_id(self, role: str) -> int | None:
        return {ORGANISER: self.organiser_id, REPRESENTATIVE: self.representative_id}.get(role)


@dataclass(frozen=True)
class Page:
    name: str
    url_name: str
    role: str
    kwargs: Callable[[Targets], dict]
    acceptance: bool = False

    def url(self, targets: Targets) -> str | None:
        """The page's path, or None when the URL name does not exist (yet)."""
        try:
            return reverse(self.url_name, kwargs=self.kwargs(targets))
        except NoReverseMatch:
            return None


PAGES = [
    Page("organiser dashboard", "orga:dashboard", ORGANISER, lambda t: {}),
    Page("series page", "orga:series_detail", ORGANISER, lambda t: {"slug": t.series_slug}),
    Page("organiser round page", "orga:round_detail", ORGANISER, lambda t: {"pk": t.round_id}),
    Page("round page", "rounds:round_detail", REPRESENTATIVE, lambda t: {"pk": t.round_id}, acceptance=True),
    Page(
        "round discussion",
        "rounds:discussion",
        REPRESENTATIVE,
        lambda t: {"round_pk": t.round_id, "number": t.clause_number},
        acceptance=True,
    ),
    Page(
        "clause page", "rounds:clause_history", REPRESENTATIVE, lambda t: {"number": t.clause_number}, acceptance=True
    ),
    Page("comparison matrix", "clauses:matrix", REPRESENTATIVE, lambda t: {}, acceptance=True),
]
BARE = Page("bare Django view", "bench_bare", ANONYMOUS, lambda t: {})


def targets_resolve() -> Targets:
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
    accepted = Invitation.objects.filter(round=round_, rsvp=Invitation.Rsvp.ACCEPTED).order_by("pk")
    with_strategy = accepted.filter(organisation__in=Strategy.objects.values("organisation")).first()
    representative = with_strategy or accepted.first()
    if first_item is None or organiser is None or representative is None:
        raise LookupError(f"round {round_.pk} lacks an agenda, an organiser or an accepted invitation")
    return Targets(
        round_id=round_.pk,
        series_slug=round_.series.slug,
        clause_number=first_item.clause.number,
        organiser_id=organiser.pk,
        representative_id=representative.user_id,
    )
