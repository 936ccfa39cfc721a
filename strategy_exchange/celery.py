"""The Celery application. Settings come from Django's settings in the CELERY_ namespace.

The periodic schedule lives here, in code; django-celery-beat's DatabaseScheduler copies it into the
database on start (where the admin shows it) – see "Background jobs" in README.md.
"""

import os

from celery import Celery
from celery.schedules import crontab

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
    "remind-strategy-updates": {
        "task": "rounds.tasks.schedule.remind_strategy_updates",
        "schedule": crontab(hour=6, minute=30),
        "options": {"expires": 6 * 60 * 60},
    },
}
app.conf.beat_schedule = BEAT_SCHEDULE
