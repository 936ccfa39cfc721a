from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rounds import selectors


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "rounds/home.html", {"series_list": selectors.series_overview()})
