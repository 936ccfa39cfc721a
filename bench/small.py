"""Child process of the benchmark: query counts per page on a small database.

``python -m bench.small`` migrates the (empty) database of ``DATABASE_URL``, loads the demo data and
prints the query count of every page as JSON.
"""

import json
import sys
from dataclasses import asdict


def main() -> int:
    import django

    django.setup()
    from django.core.management import call_command

    from bench.data import load_demo_data
    from bench.pages import targets_resolve
    from bench.queries import queries_measure

    call_command("migrate", verbosity=0, interactive=False)
    load_demo_data()
    results = queries_measure(targets=targets_resolve())
    json.dump([asdict(result) for result in results], sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
