from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rounds.selectors import organiser as selectors

from .common import require_organiser


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    require_organiser(request)
    return render(request, "rounds/organiser/dashboard.html", selectors.dashboard(user=request.user))
