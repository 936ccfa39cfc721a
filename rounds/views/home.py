from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rounds import permissions, selectors


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Every series with its rounds; a round links to its page for those who may open it."""
    user = request.user
    context = {
        "series_list": selectors.series_overview(),
        "managed_series_ids": set(permissions.managed_series(user).values_list("pk", flat=True)),
        "visible_round_ids": set(permissions.visible_rounds(user).values_list("pk", flat=True)),
    }
    return render(request, "rounds/home.html", context)
