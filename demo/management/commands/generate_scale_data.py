import datetime

from django.core.management.base import BaseCommand, CommandError

from demo.scale import ScaleParams, scale_data_generate
from strategy_exchange.errors import DomainError

DEFAULTS = ScaleParams()


class Command(BaseCommand):
    help = "Generate national-scale data (organisations, people, rounds, comments) for load tests."

    def add_arguments(self, parser):
        parser.add_argument("--organisations", type=int, default=DEFAULTS.organisations)
        parser.add_argument("--people", type=int, default=DEFAULTS.people)
        parser.add_argument("--rounds", type=int, default=DEFAULTS.rounds)
        parser.add_argument("--comments", type=int, default=DEFAULTS.comments)
        parser.add_argument("--strategies", type=int, default=DEFAULTS.strategies)
        parser.add_argument(
            "--round-comments",
            type=int,
            default=DEFAULTS.round_comments,
            help="comments on the first clause of the benchmark round (part of --comments)",
        )
        parser.add_argument("--seed", type=int, default=DEFAULTS.seed)
        parser.add_argument(
            "--today", type=datetime.date.fromisoformat, default=None, help="date the rounds are laid out around"
        )

    def handle(self, *args, **options):
        params = ScaleParams(
            organisations=options["organisations"],
            people=options["people"],
            rounds=options["rounds"],
            comments=options["comments"],
            strategies=options["strategies"],
            round_comments=options["round_comments"],
            seed=options["seed"],
            today=options["today"],
        )
        try:
            result = scale_data_generate(params=params, log=lambda line: self.stdout.write(f"  {line}"))
        except DomainError as error:
            raise CommandError(str(error)) from error
        for name, count in result.counts.items():
            self.stdout.write(f"{name:>16}: {count:,}")
        self.stdout.write(self.style.SUCCESS(f"Skalierungsdaten erzeugt in {result.seconds:.1f} s."))
