from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from demo.data import demo_logins_text, load_demo_data


class Command(BaseCommand):
    help = (
        "Load the demo series (idempotent: running it again changes nothing). The demo accounts, an "
        "administrator among them, share a published password, so with DEBUG=0 the command refuses to "
        "run unless given --allow-production."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load the demo data even with DEBUG=0 (creates an administrator with the published password).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                _(
                    "Demo-Daten werden mit DEBUG=0 nicht geladen: Sie legen ein Administratorkonto mit dem "
                    "veröffentlichten Passwort „austausch“ an. Wer das auf diesem System wirklich will, ruft "
                    "den Befehl mit --allow-production auf."
                )
            )
        logins = load_demo_data()
        self.stdout.write(self.style.SUCCESS("Demo-Daten geladen."))
        self.stdout.write(demo_logins_text(logins))
