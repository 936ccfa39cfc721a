"""Run the periodic jobs of the beat schedule in this process – for local use without Redis and beat."""

import logging
import time

from django.core.management.base import BaseCommand

from strategy_exchange.celery import BEAT_SCHEDULE, app

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Runs every periodic job once (reminders, sweep, next rounds, calendar replies, …); with --loop, again and again."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS", help="repeat every SECONDS seconds")

    def handle(self, *args, loop: int, **options):
        app.loader.import_default_modules()  # registers the tasks, as a worker does on start
        while True:
            for name, entry in BEAT_SCHEDULE.items():
                try:
                    result = app.tasks[entry["task"]].apply()
                except Exception:  # one failing job must not stop the others; the next run tries again
                    logger.exception("periodic job %s failed", name)
                    self.stderr.write(f"{name}: failed (see log)")
                    continue
                if result.failed():
                    logger.error("periodic job %s failed: %r", name, result.result)
                    self.stderr.write(f"{name}: failed: {result.result!r}")
                    continue
                self.stdout.write(f"{name}: {result.result!r}")
            if not loop:
                return
            time.sleep(loop)
