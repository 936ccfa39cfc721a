"""Celery tasks of the participants app: thin wrappers taking ids, each calling one service."""

from celery import shared_task

from . import documents, services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_membership_proposal_email(proposal_id: int) -> None:
    services.membership_proposal_notify(proposal_id=proposal_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_membership_change_email(change_id: int) -> None:
    services.membership_change_notify(change_id=change_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def extract_strategy_text(strategy_id: int) -> None:
    documents.strategy_text_extract(strategy_id=strategy_id)
