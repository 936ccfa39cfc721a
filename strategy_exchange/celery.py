"""The Celery application. Settings come from Django's settings in the CELERY_ namespace."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strategy_exchange.settings")

app = Celery("strategy_exchange")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
