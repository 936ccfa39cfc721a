"""``python -m bench``: the whole benchmark in one run, results in ``var/bench/results.json``.

1. query counts per page on a small database (demo data only), in a child process;
2. the scale database: migrated, demo data, ``generate_scale_data`` (skipped when the marker says the
   same parameters were generated before; ``--regenerate`` forces it);
3. query counts per page at scale;
4. gunicorn (one sync worker per core) and a load generator per page for a fixed time, the bare view first,
   each request with the session of one of 200 readers picked at random: every page while a second process
   writes 10 comments/s into other rounds, then each discussion while it writes 1 comment/s into it;
5. cold render of the largest thread in-process, every cache emptied before each request;
6. report build (HTML + PDF) of the benchmark round;
7. text extraction of a 100-page strategy PDF, then suggestions for 30 clauses from it;
8. invitation fan-out through one Celery worker to a local SMTP server.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.database import (
    database_exists,
    database_name,
    database_recreate,
    marker_read,
    marker_write,
    sibling,
)
from bench.processes import ROOT
from bench.results import Result

VAR = ROOT / "var" / "bench"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/strategy_exchange_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/15"
TOTAL_TARGET_S = 900


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL))
    parser.add_argument("--cache-url", default=os.environ.get("BENCH_CACHE_URL", DEFAULT_CACHE_URL))
    scale = parser.add_argument_group("scale data (generate_scale_data)")
    scale.add_argument("--organisations", type=int, default=11_000)
    scale.add_argument("--people", type=int, default=50_000)
    scale.add_argument("--rounds", type=int, default=200)
    scale.add_argument("--comments", type=int, default=1_000_000)
    scale.add_argument("--strategies", type=int, default=2_000)
    scale.add_argument("--round-comments", type=int, default=300)
    scale.add_argument("--seed", type=int, default=2021)
    scale.add_argument("--regenerate", action="store_true", help="generate even if the marker matches")
    load = parser.add_argument_group("load")
    load.add_argument("--duration", type=float, default=10.0, help="seconds of load per page")
    load.add_argument("--warmup", type=float, default=2.0, help="seconds of load per page before measuring")
    load.add_argument("--workers", type=int, default=cores, help="gunicorn workers")
    load.add_argument("--connections", type=int, default=2 * cores, help="concurrent connections")
    load.add_argument("--load", choices=["auto", "wrk", "python"], default="auto")
    load.add_argument("--readers", type=int, default=200, help="sessions of distinct readers per page")
    load.add_argument(
        "--write-rate", type=float, default=10.0, help="comments/s into other rounds while pages are loaded"
    )
    load.add_argument(
        "--discussion-write-rate", type=float, default=1.0, help="comments/s into a discussion while it is loaded"
    )
    load.add_argument("--cold-renders", type=int, default=5, help="cold renders of the largest thread")
    other = parser.add_argument_group("email and reports")
    other.add_argument("--fanout", type=int, default=1000, help="invitations sent in the fan-out")
    other.add_argument("--fanout-concurrency", type=int, default=cores, help="pool processes of the one worker")
    parser.add_argument("--output", type=Path, default=VAR / "results.json")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    return parser.parse_args(argv)


def bench_env(args: argparse.Namespace) -> dict[str, str]:
    """Production-like settings (DEBUG off, Redis cache) on the benchmark's own database and files."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "CACHE_URL": args.cache_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-used-anywhere-else-0123456789abcdefghij",  # nosec B105
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "VAR_DIR": str(VAR),
        "LOG_LEVEL": "WARNING",
        # Cache keys of each benchmark database apart: the small and the scale data share one Redis.
        "RELEASE": f"bench-{database_name(args.database_url)}",
    }


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    VAR.mkdir(parents=True, exist_ok=True)
    env = bench_env(args)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from bench import measure

    call_command("collectstatic", interactive=False, verbosity=0)
    # The benchmark's own Redis database: no fragment of an earlier run (older templates) survives.
    from django.core.cache import cache

    cache.clear()
    results = []
    small_url = sibling(args.database_url, "_small")
    log(f"small data: query counts on {database_name(small_url)} (demo data)")
    small = small_queries(url=small_url)
    log(f"scale data on {database_name(args.database_url)}")
    results.append(scale_prepare(args))
    results += measure.machine_results()
    results += measure.run_all(args=args, env=env, small=small, log=log)
    results.append(
        measure.checked("total bench time", round(time.monotonic() - started, 1), "s", op="<=", limit=TOTAL_TARGET_S)
    )
    from bench.results import results_table, results_write

    results_write(results=results, path=args.output)
    table = results_table(results)
    (args.output.with_suffix(".md")).write_text(table + "\n")
    print(table)
    log(f"written to {args.output}")
    failed = [result.name for result in results if result.ok is False]
    if failed:
        log("missed targets: " + "; ".join(failed))
    return 1 if failed and args.strict else 0


def small_queries(*, url: str) -> list:
    """Query counts per page on a fresh database with the demo data only (in a child process)."""
    from bench.queries import PageQueries

    database_recreate(url)
    completed = subprocess.run(
        [sys.executable, "-m", "bench.small"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "RELEASE": f"bench-{database_name(url)}"},
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode:
        raise RuntimeError(f"query count on small data failed:\n{completed.stderr[-3000:]}")
    return [PageQueries(**entry) for entry in json.loads(completed.stdout)]


def scale_prepare(args: argparse.Namespace) -> "Result":
    """Generate the scale data unless the marker shows the same parameters in the same database."""
    from django.core.management import call_command
    from django.db import connection

    from bench.data import ScaleParams, load_demo_data, scale_data_generate, scale_data_present
    from bench.results import GENERATION_TARGET_S, checked

    params = ScaleParams(
        organisations=args.organisations,
        people=args.people,
        rounds=args.rounds,
        comments=args.comments,
        strategies=args.strategies,
        round_comments=args.round_comments,
        seed=args.seed,
    )
    marker_path = VAR / f"scale-{database_name(args.database_url).replace('/', '_')}.json"
    key = {"database": args.database_url, "params": params.as_dict()}
    marker = marker_read(marker_path)
    name = "scale data generation"
    if not args.regenerate and marker.get("key") == key and database_exists(args.database_url):
        call_command("migrate", verbosity=0, interactive=False)
        if scale_data_present():
            log(f"scale data present (generated {marker['generated_at']}), generation skipped")
            note = f"from the marker: generated {marker['generated_at']}"
            return checked(name, marker["seconds"], "s", op="<=", limit=GENERATION_TARGET_S, note=note)
    connection.close()
    database_recreate(args.database_url)
    call_command("migrate", verbosity=0, interactive=False)
    load_demo_data()
    log("generating scale data …")
    result = scale_data_generate(params=params, log=lambda line: log(f"  {line}"))
    seconds = round(result.seconds, 1)
    marker_write(marker_path, {"key": key, "seconds": seconds, "generated_at": time.strftime("%Y-%m-%d %H:%M")})
    counts = ", ".join(f"{count:,} {table}" for table, count in result.counts.items())
    return checked(name, seconds, "s", op="<=", limit=GENERATION_TARGET_S, note=counts)
