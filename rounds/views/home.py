from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rounds import selectors


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "rounds/home.html", {"series_list": selectors.series_overview()})
