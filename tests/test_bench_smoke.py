"""A small run of the benchmark's measurements on tiny data: seconds, not minutes (``make bench`` is the real one)."""

import collections
import http.server
import json
import os
import threading
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import Count
from django.urls import reverse

from bench.comments import (
    MARK,
    comment_windows_opened,
    comments_remove,
    comments_write,
    targets_elsewhere,
    targets_into,
    writer_plan,
    written_between,
)
from bench.data import ScaleParams, scale_data_generate
from bench.database import url_of
from bench.fanout import fanout_measure
from bench.load import http_get, load_run, load_tool, parse_wrk
from bench.measure import cold_render_results, session_cookie
from bench.pages import BARE, LARGEST_DISCUSSION, PAGES, targets_resolve
from bench.processes import CommentWriter
from bench.queries import queries_measure
from bench.render import cold_render_measure
from bench.reports import report_build_measure
from bench.results import load_results, query_results, results_write, write_rate_result
from bench.sessions import reader_cookies
from rounds.models import Comment, Invitation, Round, Series
from rounds.services.comments import comment_window
from tests.conftest import require

pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]

TINY = ScaleParams(organisations=40, people=120, rounds=4, comments=300, strategies=15, round_comments=60, seed=5)
ROUND_PAGE = next(page for page in PAGES if page.url_name == "rounds:round_detail")


@pytest.fixture
def scale_data():
    return scale_data_generate(params=TINY)


def _accepted(round_id: int) -> set[int]:
    return set(
        Invitation.objects.filter(round_id=round_id, rsvp=Invitation.Rsvp.ACCEPTED).values_list("user_id", flat=True)
    )


def test_bench_targets_are_the_generated_bench_round(scale_data):
    targets = targets_resolve()

    assert targets.round_id == scale_data.bench_round_id
    assert Comment.objects.filter(agenda_item__round_id=targets.round_id).count() == TINY.round_comments


def test_bench_readers_are_distinct_accepted_invitees_and_the_largest_thread_is_found(scale_data):
    targets = targets_resolve(readers=30)
    most = Comment.objects.values("agenda_item").annotate(n=Count("pk")).order_by("-n").first()

    assert len(targets.readers) == len(set(targets.readers)) == 30
    assert set(targets.readers) <= _accepted(targets.round_id)
    assert targets.representative_id == targets.readers[0]
    assert (targets.largest.agenda_item_id, targets.largest.comments) == (most["agenda_item"], most["n"])
    assert 0 < len(targets.largest.readers) <= 30
    assert set(targets.largest.readers) <= _accepted(targets.largest.round_id)
    for thread in (targets.thread, targets.largest):
        first = Comment.objects.filter(agenda_item_id=thread.agenda_item_id, parent=None).order_by("created_at", "pk")
        assert thread.readers[0] == first[0].author_id  # sees their own comment on the first page
        assert len(thread.readers) == len(set(thread.readers)) and set(thread.readers) <= _accepted(thread.round_id)
    everyone = targets_resolve()  # fewer than 200 accepted invitations in tiny data: all of them
    assert len(everyone.readers) == len(everyone.thread.readers) == len(_accepted(targets.round_id))
    assert len(everyone.largest.readers) == len(_accepted(targets.largest.round_id))


def test_bench_reader_sessions_are_real_sessions_of_each_reader(scale_data, client):
    targets = targets_resolve(readers=5)

    cookies = reader_cookies(user_ids=targets.readers)

    keys = [cookie.split("=", 1)[1] for cookie in cookies]
    assert len(set(keys)) == 5
    assert all(cookie.startswith(f"{django_settings.SESSION_COOKIE_NAME}=") for cookie in cookies)
    stored = {session.session_key: session.get_decoded() for session in Session.objects.filter(session_key__in=keys)}
    assert [int(stored[key][SESSION_KEY]) for key in keys] == list(targets.readers)
    client.cookies[django_settings.SESSION_COOKIE_NAME] = keys[-1]
    assert client.get(reverse("rounds:round_detail", kwargs={"pk": targets.round_id})).status_code == 200


def test_bench_writer_posts_comments_through_the_service_and_they_are_removed_again(scale_data, tmp_path):
    targets = targets_resolve()
    elsewhere = targets_elsewhere(exclude_round_ids={targets.round_id, targets.largest.round_id})
    into = targets_into(agenda_item_id=targets.thread.agenda_item_id)
    assert elsewhere and {target.round_id for target in elsewhere}.isdisjoint({targets.round_id})
    journal = tmp_path / "windows.json"
    rounds = {target.round_id for target in elsewhere} | {targets.round_id}
    before = {pk: comment_window(round_=Round.objects.get(pk=pk)) for pk in rounds}
    records = []

    with comment_windows_opened(round_ids=rounds, seconds=60, journal=journal):
        assert all(comment_window(round_=Round.objects.get(pk=pk)).is_open() for pk in rounds)
        summary = comments_write(targets=elsewhere + into, rate=50, seconds=5, count=12, record=records.append)

    assert (summary.written, summary.refused) == (12, 0), summary.last_error
    assert {pk: comment_window(round_=Round.objects.get(pk=pk)) for pk in rounds} == before
    assert not journal.exists()
    written = Comment.objects.filter(pk__in=summary.comment_ids).select_related("agenda_item")
    assert all(comment.body.startswith(MARK) for comment in written)
    assert all(comment.author_id in _accepted(comment.agenda_item.round_id) for comment in written)
    assert {comment.agenda_item_id for comment in written} == {t.agenda_item_id for t in elsewhere + into}
    assert written_between(records, start=0, end=time.time()) == 12
    assert 0.2 < summary.seconds < 5  # 12 comments at 50/s take about 0.22 s
    assert comments_remove() == 12
    assert Comment.objects.filter(agenda_item__round_id=targets.round_id).count() == TINY.round_comments


def test_bench_writer_stops_by_itself_when_its_time_is_up(scale_data, tmp_path):
    targets = targets_resolve()
    into = targets_into(agenda_item_id=targets.thread.agenda_item_id)

    with comment_windows_opened(round_ids={targets.round_id}, seconds=60, journal=tmp_path / "windows.json"):
        started = time.monotonic()
        summary = comments_write(targets=into, rate=10, seconds=0.5, count=1000)

    assert time.monotonic() - started < 2
    assert 3 <= summary.written <= 6
    comments_remove()


def test_bench_writer_gives_up_when_the_discussion_is_closed(scale_data):
    targets = targets_resolve()
    into = targets_into(agenda_item_id=targets.thread.agenda_item_id)
    Series.objects.filter(rounds=targets.round_id).update(comment_days_before=0, comment_days_after=0)

    summary = comments_write(targets=into, rate=1000, seconds=5, count=100)

    assert summary.written == 0 and summary.refused == 20
    assert summary.last_error


def test_bench_cold_render_of_the_largest_thread(scale_data, settings):
    settings.ROOT_URLCONF = "bench.urls"
    targets = targets_resolve()
    path = LARGEST_DISCUSSION.url(targets)

    render = cold_render_measure(path=path, user_id=targets.largest.readers[0], renders=2)
    (result,) = cold_render_results(targets=targets, renders=2)

    assert render.status == 200 and render.size > 0
    assert len(render.milliseconds) == 2 and all(each > 0 for each in render.milliseconds)
    assert result.name == "largest discussion: cold render" and result.target == "<= 100"
    assert result.value > 0 and "median of 2 renders" in result.note


def test_bench_query_counts_cover_every_page_and_the_bare_view(scale_data, settings):
    settings.ROOT_URLCONF = "bench.urls"

    measured = queries_measure(targets=targets_resolve())

    assert [entry.name for entry in measured] == [*(page.name for page in PAGES), BARE.name]
    assert {entry.status for entry in measured if entry.path} <= {200}
    bare = measured[-1]
    assert bare.queries == 0


def test_bench_load_of_bare_view_and_round_page_writes_results_json(scale_data, live_server, settings, tmp_path):
    settings.ROOT_URLCONF = "bench.urls"
    targets = targets_resolve(readers=10)
    round_url = live_server.url + ROUND_PAGE.url(targets)
    cookies = reader_cookies(user_ids=targets.user_ids(ROUND_PAGE.role))
    assert len(cookies) == 10
    assert http_get(url=round_url, cookie=session_cookie(user_id=targets.representative_id))[0] == 200

    bare = load_run(url=live_server.url + reverse("bench_bare"), duration=0.5, connections=2, tool="python")
    page = load_run(url=round_url, cookies=cookies, duration=0.5, connections=2, tool="python")
    queries = queries_measure(targets=targets, pages=[ROUND_PAGE])
    results = [
        *load_results(name=BARE.name, load=bare, bare=None),
        *load_results(name=ROUND_PAGE.name, load=page, bare=bare, ratio_target=0.15, p99_target=100),
        write_rate_result(name=ROUND_PAGE.name, written=0, seconds=0.5, rate=10, where="elsewhere"),
        *query_results(small=queries, scale=queries),
    ]
    results_write(results=results, path=tmp_path / "results.json")

    written = json.loads((tmp_path / "results.json").read_text())
    assert all({"name", "value", "unit"} <= set(entry) for entry in written)
    by_name = {entry["name"]: entry for entry in written}
    assert bare.requests > 0 and bare.errors == 0
    assert page.requests > 0 and page.errors == 0 and page.sessions == 10
    assert 0 < page.p50_ms <= page.p99_ms
    assert by_name["round page: ratio to bare view"]["target"] == ">= 0.15"
    assert by_name["round page: p99 latency"]["target"] == "<= 100"
    assert "from 10 session(s)" in by_name["round page: requests/s"]["note"]
    assert by_name["round page: comments written"]["ok"] is False  # no writer: no target can count
    assert by_name["round page: queries (scale data)"]["ok"] is True


@pytest.mark.worker
def test_bench_writer_process_writes_into_the_discussion_under_load(scale_data, live_server, settings, tmp_path):
    require(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL): the writer is another process")
    settings.ROOT_URLCONF = "bench.urls"
    targets = targets_resolve(readers=10)
    page = next(page for page in PAGES if page.name == "round discussion")
    url = live_server.url + page.url(targets)
    cookies = reader_cookies(user_ids=targets.user_ids(page.role))
    env = {**os.environ, "DATABASE_URL": url_of(connection), "DJANGO_SETTINGS_MODULE": "strategy_exchange.settings"}
    plan = writer_plan(targets=targets_into(agenda_item_id=targets.thread.agenda_item_id), rate=10, seconds=30)

    with comment_windows_opened(round_ids={targets.round_id}, seconds=60, journal=tmp_path / "windows.json"):
        with CommentWriter(env=env, plan=plan, folder=tmp_path, name="writer") as writer:
            writer.start()
            started = time.time()
            load = load_run(url=url, cookies=cookies, duration=1.5, connections=2, tool="python")
            ended = time.time()
        records = writer.records()

    written = written_between(records, start=started, end=ended)
    result = write_rate_result(name=page.name, written=written, seconds=ended - started, rate=10, where="into it")
    assert load.requests > 0 and load.errors == 0
    assert result.ok is True, result.note
    assert not any("refused" in entry for entry in records)
    assert (
        Comment.objects.filter(body__startswith=MARK, agenda_item_id=targets.thread.agenda_item_id).count() >= written
    )
    assert comments_remove() >= written


class _CookieCounter(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: collections.Counter = collections.Counter()

    def do_GET(self):
        self.seen[self.headers.get("Cookie")] += 1
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("tool", ["python", "wrk"])
def test_load_generators_pick_a_random_session_for_each_request(tool):
    if tool == "wrk" and load_tool() != "wrk":
        pytest.skip("wrk is not installed")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CookieCounter)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _CookieCounter.seen.clear()
    cookies = [f"sessionid=reader{n}" for n in range(20)]
    try:
        result = load_run(
            url=f"http://127.0.0.1:{server.server_port}/", cookies=cookies, duration=1, connections=2, tool=tool
        )
    finally:
        server.shutdown()
        server.server_close()

    assert result.requests > 20 and result.sessions == 20
    assert set(_CookieCounter.seen) <= set(cookies)
    assert len(_CookieCounter.seen) >= 10  # some of 20, picked at random


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
