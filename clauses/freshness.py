"""The cached comparison matrix is keyed on one counter row (``MatrixVersion``).

Every page and filter of the matrix shows positions, strategies, organisations, clauses and the number of
open suggestions: a save or
delete of any of them (a service, a form or the admin) moves the counter on in the same transaction,
and so does ``strategy_exchange.fragments.rows_changed`` after a ``QuerySet.update()`` of them.
A stored version of a clause (``ClauseRevision``) moves its clause's version on: the clause page shows them.
Connected once, in ``clauses.apps``.
"""

from functools import cache

from django.db import connection
from django.db.models import F, QuerySet

from clauses.models import Clause, ClauseRevision, MatrixVersion, Position, Suggestion
from participants.models import Organisation, Strategy
from strategy_exchange.fragments import bump, depends_on

MATRIX_ROW = 1


def matrix_version() -> int:
    """The current version (read before the data the matrix renders): one small statement, written out
    once, since the matrix asks for it on every request."""
    with connection.cursor() as cursor:
        cursor.execute(_version_sql(), [MATRIX_ROW])
        row = cursor.fetchone()
    return row[0] if row is not None else 0


@cache
def _version_sql() -> str:
    table = connection.ops.quote_name(MatrixVersion._meta.db_table)
    return f"SELECT version FROM {table} WHERE id = %s"  # noqa: S608  # nosec B608


def matrix_changed(rows: QuerySet | None = None) -> None:
    if not MatrixVersion.objects.filter(pk=MATRIX_ROW).update(version=F("version") + 1):
        MatrixVersion.objects.get_or_create(pk=MATRIX_ROW, defaults={"version": 2})


def revisions_changed(rows: QuerySet) -> None:
    """A clause's page shows the history of its versions: it is keyed on the clause's version."""
    bump(Clause.objects.filter(pk__in=rows.values("clause_id")))


def connect() -> None:
    depends_on(ClauseRevision, revisions_changed)
    for model in (Position, Strategy, Organisation, Clause, Suggestion):
        depends_on(model, matrix_changed)
