"""Report builds through a real broker and a real worker: a build that cannot succeed ends as failed after
three attempts with a readable error, a PDF engine killed by a signal costs one attempt, and the worker
lives on through both."""

import os
import shutil
import signal
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings

from rounds.models import FollowUpReport, Round
from rounds.services.reports import report_request
from strategy_exchange.celery import app as celery_app
from tests.factories import AgendaItemFactory, ClauseFactory, MeetingNoteFactory, RoundFactory, SeriesFactory
from tests.integration.conftest import _use_broker, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ENGINE_MODULE = "rounds.services.report_pdf_engine"
VENDORED = Path(django_settings.BASE_DIR) / "static" / "vendor" / "dejavu"


@pytest.fixture
def report_broker(services):
    """The broker on REDIS_URL's own database number, emptied before and after the test."""
    url = os.environ["REDIS_URL"]
    client = redis.Redis.from_url(url)
    client.flushdb()
    _use_broker(url)
    yield url
    _use_broker(django_settings.CELERY_BROKER_URL)
    celery_app.conf.task_always_eager = True
    client.flushdb()


@pytest.fixture
def report_worker(report_broker, start_worker, monkeypatch, tmp_path):
    """Start a worker whose reports use ``fonts_dir``; the next attempt follows a failed one at once."""

    def start(fonts_dir: Path, concurrency: int = 2):
        monkeypatch.setenv("REPORT_FONTS_DIR", str(fonts_dir))
        monkeypatch.setenv("REPORT_BUILD_RETRY_SECONDS", "0")
        monkeypatch.setenv("MEDIA_ROOT", str(tmp_path / "media"))
        return start_worker(report_broker, concurrency)

    return start


def held_round() -> Round:
    round_ = RoundFactory(series=SeriesFactory(slug="reihe"), number=2, status=Round.Status.HELD)
    item = AgendaItemFactory(round=round_, clause=ClauseFactory(number=4, title="Beteiligung"), order=1)
    MeetingNoteFactory(round=round_, agenda_item=item, body="Verwaltung moderiert.", is_key_finding=True)
    return round_


def settled(report: FollowUpReport) -> bool:
    report.refresh_from_db()
    return report.status in (FollowUpReport.Status.BUILT, FollowUpReport.Status.FAILED)


def engine_pids(marker: str) -> list[int]:
    """The PDF engine processes whose command line names ``marker`` (this test's fonts directory)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if ENGINE_MODULE in cmdline and marker in cmdline:
            pids.append(int(entry.name))
    return pids


def test_report_build_without_fonts_fails_after_three_attempts_and_the_worker_lives(report_worker, tmp_path):
    empty = tmp_path / "keine-schriften"
    empty.mkdir()
    worker = report_worker(empty)
    round_ = held_round()

    first = report_request(round_=round_, user=None)
    assert wait_until(lambda: settled(first), timeout=60)
    second = report_request(round_=round_, user=None)  # the same worker takes the next build
    assert wait_until(lambda: settled(second), timeout=60)

    assert (first.status, first.attempts) == (FollowUpReport.Status.FAILED, 3)
    assert first.error.startswith(f"Die PDF-Erstellung ist fehlgeschlagen (Status 3): Schriftdateien fehlen in {empty}")
    assert (second.status, second.attempts) == (FollowUpReport.Status.FAILED, 3)
    assert worker.process.poll() is None


def test_report_engine_killed_by_sigsegv_costs_one_attempt_and_the_worker_lives(report_worker, tmp_path):
    fonts = tmp_path / "schriften"
    shutil.copytree(VENDORED, fonts)
    # One pool process: the worker's own engine and the one its pool process keeps for its first build.
    # With two, a retry could land on the other pool process, whose engine was killed too.
    worker = report_worker(fonts, concurrency=1)
    round_ = held_round()
    assert wait_until(lambda: len(engine_pids(str(fonts))) == 2, timeout=60, interval=0.01)

    for pid in engine_pids(str(fonts)):
        os.kill(pid, signal.SIGSEGV)
    report = report_request(round_=round_, user=None)
    assert wait_until(lambda: settled(report), timeout=60)

    assert (report.status, report.attempts, report.error) == (FollowUpReport.Status.BUILT, 2, "")
    assert report.pdf
    assert worker.process.poll() is None
