"""A small run of the benchmark's measurements on tiny data: seconds, not minutes (``make bench`` is the real one)."""

import json
import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection
from django.urls import reverse

from bench.database import url_of
from bench.fanout import fanout_measure
from bench.load import http_get, load_run, parse_wrk
from bench.measure import session_cookie
from bench.pages import BARE, PAGES, targets_resolve
from bench.queries import queries_measure
from bench.reports import report_build_measure
from bench.results import load_results, query_results, results_write
from rounds.models import Comment
from rounds.scale import ScaleParams, scale_data_generate
from tests.conftest import require

pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]

TINY = ScaleParams(organisations=40, people=120, rounds=4, comments=300, strategies=15, round_comments=60, seed=5)
ROUND_PAGE = next(page for page in PAGES if page.url_name == "rounds:round_detail")


@pytest.fixture
def scale_data():
    return scale_data_generate(params=TINY)


def test_bench_targets_are_the_generated_bench_round(scale_data):
    targets = targets_resolve()

    assert targets.round_id == scale_data.bench_round_id
    assert Comment.objects.filter(agenda_item__round_id=targets.round_id).count() == TINY.round_comments


def test_bench_query_counts_cover_every_page_and_the_bare_view(scale_data, settings):
    settings.ROOT_URLCONF = "bench.urls"

    measured = queries_measure(targets=targets_resolve())

    assert [entry.name for entry in measured] == [*(page.name for page in PAGES), BARE.name]
    assert {entry.status for entry in measured if entry.path} <= {200}
    bare = measured[-1]
    assert bare.queries == 0


def test_bench_load_of_bare_view_and_round_page_writes_results_json(scale_data, live_server, settings, tmp_path):
    settings.ROOT_URLCONF = "bench.urls"
    targets = targets_resolve()
    round_url = live_server.url + ROUND_PAGE.url(targets)
    cookie = session_cookie(user_id=targets.representative_id)
    assert http_get(url=round_url, cookie=cookie)[0] == 200

    bare = load_run(
        url=live_server.url + reverse("bench_bare"), cookie=None, duration=0.5, connections=2, tool="python"
    )
    page = load_run(url=round_url, cookie=cookie, duration=0.5, connections=2, tool="python")
    queries = queries_measure(targets=targets, pages=[ROUND_PAGE])
    results = [
        *load_results(name=BARE.name, load=bare, bare=None, acceptance=False),
        *load_results(name=ROUND_PAGE.name, load=page, bare=bare, acceptance=True),
        *query_results(small=queries, scale=queries),
    ]
    results_write(results=results, path=tmp_path / "results.json")

    written = json.loads((tmp_path / "results.json").read_text())
    assert all({"name", "value", "unit"} <= set(entry) for entry in written)
    by_name = {entry["name"]: entry for entry in written}
    assert bare.requests > 0 and bare.errors == 0
    assert page.requests > 0 and page.errors == 0
    assert 0 < page.p50_ms <= page.p99_ms
    assert by_name["round page: ratio to bare view"]["target"] == ">= 0.25"
    assert by_name["round page: queries (scale data)"]["ok"] is True


def test_bench_report_build_is_timed_with_html_and_pdf(scale_data):
    timing = report_build_measure(round_id=scale_data.bench_round_id)

    assert timing.built is True
    assert timing.comments == TINY.round_comments
    assert timing.html_bytes > 0 and timing.pdf_bytes > 0
    assert 0 < timing.seconds < 60


@pytest.mark.worker
def test_bench_fanout_sends_every_invitation_through_a_real_worker(scale_data, tmp_path):
    require(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL)")
    require(bool(os.environ.get("REDIS_URL")), "needs Redis (REDIS_URL)")
    parts = urlsplit(os.environ["REDIS_URL"])
    broker_url = urlunsplit((parts.scheme, parts.netloc, "/13", "", ""))
    env = {**os.environ, "DATABASE_URL": url_of(connection), "DJANGO_SETTINGS_MODULE": "strategy_exchange.settings"}

    result = fanout_measure(
        round_id=scale_data.bench_round_id,
        count=10,
        broker_url=broker_url,
        worker_env=env,
        concurrency=1,
        logfile=tmp_path / "worker.log",
    )

    assert (result.invitations, result.sent, result.failed, result.received) == (10, 10, 0, 10)
    assert result.messages_per_second > 0


def test_parse_wrk_reads_rate_percentiles_and_errors():
    output = """Running 10s test @ http://127.0.0.1:8000/
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.10ms  800.00us  20.00ms   90.00%
  Latency Distribution
     50%    1.80ms
     75%    2.30ms
     90%    3.00ms
     99%  412.00us
  4000 requests in 10.00s, 1.00MB read
  Socket errors: connect 0, read 12, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:    400.00
Transfer/sec:    100.00KB
"""

    result = parse_wrk(output)

    assert (result.requests, result.requests_per_second, result.errors) == (4000, 400.0, 5)
    assert (result.p50_ms, result.p99_ms, result.seconds) == (1.8, pytest.approx(0.412), 10.0)
