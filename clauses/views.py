from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


def library(request: HttpRequest) -> HttpResponse:
    return render(request, "clauses/library.html", {"clauses": selectors.clause_list()})
