"""What the cached comparison matrix depends on, and the call services make when it changes.

One version (namespace ``matrix`` of :mod:`strategy_exchange.fragments`) covers every cached page of
the matrix and its summary: positions, strategies, organisations and clauses all change its rows or
columns. ``bump`` invalidates at once and again after commit.
"""

from strategy_exchange.fragments import bump, version

MATRIX = "matrix"
ALL = "all"


def matrix_version() -> int:
    return version(MATRIX, ALL)


def matrix_changed() -> None:
    """A position, strategy, organisation or clause was created or changed."""
    bump(MATRIX, ALL)
