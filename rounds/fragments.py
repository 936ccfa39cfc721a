"""What the cached fragments of the round pages depend on, and the calls services make when it changes.

Namespaces of :mod:`strategy_exchange.fragments`: ``thread`` by agenda item (its comments), ``round`` by
round (the round page's agenda: items and comment counts), ``participants`` by round (organisations taking
part), ``findings`` by round (key findings once the report is published), ``names`` for all (clause
titles, organisation and series names, which appear in every fragment). ``bump`` invalidates at once and
again after commit.
"""

from strategy_exchange.fragments import bump

THREAD = "thread"
ROUND = "round"
PARTICIPANTS = "participants"
FINDINGS = "findings"
NAMES = "names"
ALL = "all"


def thread_changed(*, agenda_item_id: int, round_id: int) -> None:
    """A comment was posted, edited, deleted or moderated."""
    bump(THREAD, agenda_item_id)
    bump(ROUND, round_id)


def agenda_changed(*, round_id: int) -> None:
    bump(ROUND, round_id)


def participants_changed(*, round_id: int) -> None:
    """An invitation was created, answered or withdrawn, or a stand-in named."""
    bump(PARTICIPANTS, round_id)


def names_changed(**signal_arguments) -> None:
    """A clause, organisation or series was saved or deleted, by a service or in the admin (connected to
    the models' signals in ``rounds.apps``)."""
    bump(NAMES, ALL)


def findings_changed(*, round_id: int) -> None:
    """A report was published, or a key finding of a published round changed."""
    bump(FINDINGS, round_id)
