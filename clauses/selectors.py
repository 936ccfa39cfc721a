"""Read queries of the clauses app."""

from django.db.models import QuerySet

from .models import Clause


def clause_list() -> QuerySet[Clause]:
    return Clause.objects.order_by("number")
