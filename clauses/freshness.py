"""The cached comparison matrix is keyed on one counter row (``MatrixVersion``).

Every page and filter of the matrix shows positions, strategies, organisations, clauses and the number of
open suggestions: a save or
delete of any of them (a service, a form or the admin) moves the counter on in the same transaction,
and so does ``strategy_exchange.fragments.rows_changed`` after a ``QuerySet.update()`` of them.
Connected once, in ``clauses.apps``.
"""

from django.db.models import F, QuerySet

from clauses.models import Clause, MatrixVersion, Position, Suggestion
from participants.models import Organisation, Strategy
from strategy_exchange.fragments import depends_on

MATRIX_ROW = 1


def matrix_version() -> int:
    """The current version (read before the data the matrix renders)."""
    version = MatrixVersion.objects.filter(pk=MATRIX_ROW).values_list("version", flat=True).first()
    return version if version is not None else 0


def matrix_changed(rows: QuerySet | None = None) -> None:
    if not MatrixVersion.objects.filter(pk=MATRIX_ROW).update(version=F("version") + 1):
        MatrixVersion.objects.get_or_create(pk=MATRIX_ROW, defaults={"version": 2})


def connect() -> None:
    for model in (Position, Strategy, Organisation, Clause, Suggestion):
        depends_on(model, matrix_changed)
