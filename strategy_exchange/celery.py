"""The Celery application. Settings come from Django's settings in the CELERY_ namespace.

The periodic schedule lives here, in code; django-celery-beat's DatabaseScheduler copies it into the
database on start (where the admin shows it) – see "Background jobs" in README.md.
"""

import logging
import os

import redis.exceptions
from celery import Celery, Task
from celery.schedules import crontab
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strategy_exchange.settings")

app = Celery("strategy_exchange")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

BEAT_SCHEDULE = {
    # Safety net for invitations: lost broker messages, killed workers, missed calendar updates.
    "sweep-deliveries": {
        "task": "rounds.tasks.delivery.sweep_deliveries",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "queue-reminders": {
        "task": "rounds.tasks.schedule.queue_reminders",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 14 * 60},
    },
    "nudge-organisers": {
        "task": "rounds.tasks.schedule.nudge_organisers",
        "schedule": crontab(minute="5-59/15"),
        "options": {"expires": 14 * 60},
    },
    "propose-next-rounds": {
        "task": "rounds.tasks.schedule.propose_next_rounds",
        "schedule": crontab(hour=6, minute=0),
        "options": {"expires": 6 * 60 * 60},
    },
    # Answers from calendar programs in the reply mailbox (does nothing without REPLY_IMAP_HOST).
    "read-calendar-replies": {
        "task": "rounds.tasks.replies.read_calendar_replies",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 4 * 60},
    },
    "remind-strategy-updates": {
        "task": "rounds.tasks.schedule.remind_strategy_updates",
        "schedule": crontab(hour=6, minute=30),
        "options": {"expires": 6 * 60 * 60},
    },
}
app.conf.beat_schedule = BEAT_SCHEDULE

logger = logging.getLogger(__name__)
# What publishing raises when the broker cannot be reached (after the publish retry policy in settings).
BROKER_ERRORS = (OperationalError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, ConnectionError)


def enqueue(task: Task, *args, countdown: float | None = None) -> bool:
    """Hand ``task(*args)`` to the broker; True once it has it.

    Called after the commit that stored the job's row, so a broker that is down must not fail the
    request: it is logged and False is returned. The row stays "queued" and the periodic jobs queue it
    again (``sweep-deliveries`` for invitations, report builds and report emails, ``queue-reminders``
    for reminders; see README); a reply notification is lost. Run eagerly (no broker), the task runs
    here and its own errors are not caught.
    """
    if task.app.conf.task_always_eager:
        task.apply_async(args=args, countdown=countdown)
        return True
    try:
        task.apply_async(args=args, countdown=countdown)
    except BROKER_ERRORS as exc:
        logger.warning("Broker unavailable, %s%r not queued: %s", task.name, args, exc)
        return False
    return True
