"""Run the periodic jobs of the beat schedule in this process – for local use without Redis and beat."""

import time

from django.core.management.base import BaseCommand

from strategy_exchange.celery import BEAT_SCHEDULE, app


class Command(BaseCommand):
    help = "Runs every periodic job once (reminders, sweep, next rounds, …); with --loop, again and again."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS", help="repeat every SECONDS seconds")

    def handle(self, *args, loop: int, **options):
        app.loader.import_default_modules()  # registers the tasks, as a worker does on start
        while True:
            for name, entry in BEAT_SCHEDULE.items():
                result = app.tasks[entry["task"]].apply()
                self.stdout.write(f"{name}: {result.result!r}")
            if not loop:
                return
            time.sleep(loop)
