from django.core.management.base import BaseCommand

from demo.data import demo_logins_text, load_demo_data


class Command(BaseCommand):
    help = "Load the demo series (idempotent: running it again changes nothing)."

    def handle(self, *args, **options):
        logins = load_demo_data()
        self.stdout.write(self.style.SUCCESS("Demo-Daten geladen."))
        self.stdout.write(demo_logins_text(logins))
