"""Read queries of the rounds app."""

from django.db.models import Count, Prefetch, Q, QuerySet

from rounds.models import AgendaItem, Round, Series


def series_overview() -> QuerySet[Series]:
    """Every series with its rounds, each round with its agenda and counts, in a fixed number of queries."""
    rounds = (
        Round.objects.annotate(
            accepted_count=Count("invitations", filter=Q(invitations__rsvp="accepted"), distinct=True),
            organisation_count=Count("invitations__organisation", distinct=True),
        )
        .prefetch_related(Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("clause")))
        .order_by("number")
    )
    return Series.objects.prefetch_related(Prefetch("rounds", queryset=rounds)).order_by("title")
