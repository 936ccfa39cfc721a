from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from rounds import permissions, selectors
from rounds.models import Series


def _with_round_pages(user, series_list: list[Series]) -> list[Series]:
    """Each series gets ``shown_rounds`` (no drafts but to their organisers); each round ``page_url``: the organisers' page in a series the user runs, the participants'
    page of a round the user may see, otherwise none."""
    managed = set(permissions.managed_series(user).values_list("pk", flat=True))
    visible = set(permissions.visible_rounds(user).values_list("pk", flat=True))
    for series in series_list:
        series.shown_rounds = permissions.listed_rounds(series.rounds.all(), managed_series_ids=managed)
        for round_ in series.shown_rounds:
            if series.pk in managed:
                round_.page_url = reverse("orga:round_detail", args=[round_.pk])
            elif round_.pk in visible:
                round_.page_url = reverse("rounds:round_detail", args=[round_.pk])
            else:
                round_.page_url = ""
    return series_list


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Every series with its rounds; a round links to its page for those who may open it."""
    series_list = _with_round_pages(request.user, list(selectors.series_overview()))
    return render(request, "rounds/home.html", {"series_list": series_list})
