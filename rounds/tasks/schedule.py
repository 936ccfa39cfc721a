"""Periodic tasks (see CELERY_BEAT_SCHEDULE in strategy_exchange/celery.py) and the reminder task."""

from celery import shared_task

from rounds.services import reminders, scheduling


@shared_task
def queue_reminders() -> int:
    return reminders.reminders_queue_due()


@shared_task
def nudge_organisers() -> int:
    return reminders.organisers_nudge_due()


@shared_task
def propose_next_rounds() -> list[int]:
    return [round_.pk for round_ in scheduling.next_rounds_propose()]


@shared_task
def remind_strategy_updates() -> int:
    return scheduling.strategy_update_reminders_send()


__all__ = ["nudge_organisers", "propose_next_rounds", "queue_reminders", "remind_strategy_updates"]
