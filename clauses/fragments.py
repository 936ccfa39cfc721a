"""What the cached comparison matrix depends on, and when it changes.

One version (namespace ``matrix`` of :mod:`strategy_exchange.fragments`) covers every cached page of
the matrix and its summary: positions, strategies, organisations and clauses all change its rows or
columns. Saving or deleting one of them, in a service or the admin, bumps it through the models'
signals (connected in ``clauses.apps``); ``bump`` invalidates at once and again after commit. Writes
past the models (``QuerySet.update()``) call :func:`matrix_changed` themselves.
"""

from strategy_exchange.fragments import bump, version

MATRIX = "matrix"
ALL = "all"


def matrix_version() -> int:
    return version(MATRIX, ALL)


def matrix_changed(**signal_arguments) -> None:
    """A position, strategy, organisation or clause was created, changed or deleted."""
    bump(MATRIX, ALL)
