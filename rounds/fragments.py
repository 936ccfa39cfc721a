"""What the cached fragments of the round pages depend on, and the calls services make when it changes.

Namespaces of :mod:`strategy_exchange.fragments`: ``thread`` by agenda item (its comments), ``round`` by
round (the round page's agenda: items and comment counts), ``participants`` by round (organisations taking
part), ``findings`` by round (key findings once the report is published). The version is bumped at once and
again after commit, so that a reader between the write and the commit cannot keep the old state cached.
"""

from django.db import transaction

from strategy_exchange.fragments import bump

THREAD = "thread"
ROUND = "round"
PARTICIPANTS = "participants"
FINDINGS = "findings"


def _bump(namespace: str, key: int) -> None:
    bump(namespace, key)
    transaction.on_commit(lambda: bump(namespace, key))


def thread_changed(*, agenda_item_id: int, round_id: int) -> None:
    """A comment was posted, edited, deleted or moderated."""
    _bump(THREAD, agenda_item_id)
    _bump(ROUND, round_id)


def agenda_changed(*, round_id: int) -> None:
    _bump(ROUND, round_id)


def participants_changed(*, round_id: int) -> None:
    """An invitation was created, answered or withdrawn, or a stand-in named."""
    _bump(PARTICIPANTS, round_id)


def findings_changed(*, round_id: int) -> None:
    """A report was published, or a key finding of a published round changed."""
    _bump(FINDINGS, round_id)
