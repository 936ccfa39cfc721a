"""Celery tasks of the participants app: thin wrappers taking ids, each calling one service."""

from celery import shared_task

from . import documents


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def extract_strategy_text(strategy_id: int) -> None:
    documents.strategy_text_extract(strategy_id=strategy_id)
