"""The periodic reading of the reply mailbox (iMIP answers from calendar programs)."""

from celery import shared_task

from rounds.services import calendar_replies


@shared_task
def read_calendar_replies() -> dict[str, int]:
    return calendar_replies.calendar_replies_read()


__all__ = ["read_calendar_replies"]
