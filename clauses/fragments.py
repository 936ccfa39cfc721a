"""What the cached comparison matrix depends on, and the call services make when it changes.

One version (namespace ``matrix`` of :mod:`strategy_exchange.fragments`) covers every cached page of
the matrix and its summary: positions, strategies, organisations and clauses all change its rows or
columns. The version is bumped at once and again after commit, so that a reader between the write
and the commit cannot keep the old state cached.
"""

from django.db import transaction

from strategy_exchange.fragments import bump, version

MATRIX = "matrix"
ALL = "all"


def matrix_version() -> int:
    return version(MATRIX, ALL)


def matrix_changed() -> None:
    """A position, strategy, organisation or clause was created or changed."""
    bump(MATRIX, ALL)
    transaction.on_commit(lambda: bump(MATRIX, ALL))
