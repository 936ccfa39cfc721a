"""Celery tasks of the clauses app: thin wrappers taking ids, each calling one service."""

from celery import shared_task

from strategy_exchange.celery import enqueue

from . import services


@shared_task
def refresh_suggestions(strategy_id: int) -> None:
    services.suggestions_refresh(strategy_id=strategy_id)


@shared_task
def refresh_all_suggestions() -> None:
    """One refresh per strategy with text, each its own task (after a clause is added)."""
    for strategy_id in services.strategies_with_text():
        enqueue(refresh_suggestions, strategy_id)


def strategy_text_ready_received(sender, strategy_id: int, **kwargs) -> None:
    """The pages of a strategy were stored (after the commit): propose passages for the clauses."""
    enqueue(refresh_suggestions, strategy_id)
