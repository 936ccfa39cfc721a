"""The application's URLs plus ``/bench/bare/``: a view doing nothing, through the full middleware stack."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from strategy_exchange.urls import urlpatterns as application_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *application_urlpatterns]
