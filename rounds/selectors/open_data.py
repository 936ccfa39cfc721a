"""Open data: the confirmed positions of the organisations that took part in a public series.

- **Which series:** a series whose reports are public (``report_visibility = public``,
  ``permissions.publishes_open_data``); it states the licence of its data (``Series.licence``).
- **Which organisations:** those that took part in a round of it – an invitation of the organisation to a
  round that was not a draft and not cancelled, accepted or with its attendance recorded.
- **Which positions:** every stored position (``clauses.Position``) of each such organisation's strategy
  in force (the one the comparison matrix shows). A position is always confirmed by a representative –
  typed in, or a suggestion accepted; open suggestions are never part of it.

Strategies come in one query, their positions in one query per ``batch`` strategies while the download is
sent, so an export of any size is streamed in bounded memory.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from clauses.models import Position
from participants.models import Organisation
from participants.selectors import strategies_in_force
from rounds.models import Invitation, Round, Series

BATCH = 500


def public_series() -> QuerySet[Series]:
    return Series.objects.filter(report_visibility=Series.ReportVisibility.PUBLIC).order_by("title")


def public_series_get(*, slug: str) -> Series | None:
    return public_series().filter(slug=slug).first()


def series_organisations(*, series: Series) -> QuerySet[Organisation]:
    """The organisations that took part in a round of the series."""
    took_part = (
        Invitation.objects.filter(round__series=series, organisation__isnull=False)
        .exclude(round__status__in=[Round.Status.DRAFT, Round.Status.CANCELLED])
        .filter(Q(rsvp=Invitation.Rsvp.ACCEPTED) | Q(attended_at__isnull=False))
        .values("organisation_id")
    )
    return Organisation.objects.filter(pk__in=took_part)


@dataclass(frozen=True)
class OpenDataPosition:
    organisation: str
    ags: str
    clause_number: int
    clause_title: str
    status: str
    quote: str
    page: int | None
    strategy_pk: int
    strategy_title: str
    strategy_url: str
    strategy_has_file: bool


def open_data_positions(*, series: Series, batch: int = BATCH) -> Iterator[OpenDataPosition]:
    """The positions of the series' open data, by organisation name and clause number."""
    strategies = list(
        strategies_in_force()
        .filter(organisation__in=series_organisations(series=series).values("pk"))
        .order_by(Lower("organisation__name"), "organisation__name", "pk")
        .values_list("pk", "organisation__name", "organisation__ags", "title", "url", "file")
    )
    for start in range(0, len(strategies), batch):
        chunk = strategies[start : start + batch]
        found: dict[int, list[tuple]] = {}
        for row in (
            Position.objects.filter(strategy__in=[s[0] for s in chunk])
            .order_by("clause__number")
            .values_list("strategy_id", "clause__number", "clause__title", "status", "quote", "page")
        ):
            found.setdefault(row[0], []).append(row[1:])
        for pk, name, ags, title, url, file in chunk:
            for number, clause_title, status, quote, page in found.get(pk, []):
                yield OpenDataPosition(
                    organisation=name,
                    ags=ags or "",
                    clause_number=number,
                    clause_title=clause_title,
                    status=status,
                    quote=quote,
                    page=page,
                    strategy_pk=pk,
                    strategy_title=title,
                    strategy_url=url,
                    strategy_has_file=bool(file),
                )
