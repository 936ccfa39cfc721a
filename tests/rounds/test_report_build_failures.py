"""Report builds that fail cleanly: vendored fonts, a PDF engine in a child process with a time limit,
attempts counted before the build starts, failed after the last one, and a retry by the organiser."""

import datetime
import io
import os
import re
import signal
import threading
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from pypdf import PdfReader

from rounds.models import FollowUpReport, Round
from rounds.services import report_pdf, report_pdf_engine
from rounds.services.reports import report_build, report_request, report_retry, reports_sweep
from strategy_exchange.errors import DomainError
from tests.factories import (
    AgendaItemFactory,
    ClauseFactory,
    MeetingNoteFactory,
    RoundFactory,
    SeriesFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ENGINE_MODULE = "rounds.services.report_pdf_engine"
VENDORED = Path(django_settings.BASE_DIR) / "static" / "vendor" / "dejavu"


@pytest.fixture
def organiser():
    return UserFactory(email="orga@example.org")


@pytest.fixture
def round_(organiser):
    series = SeriesFactory(title="Daten & Dienste", slug="daten", organisers=[organiser])
    round_ = RoundFactory(series=series, number=3, status=Round.Status.HELD)
    item = AgendaItemFactory(round=round_, clause=ClauseFactory(number=4, title="Beteiligung"), order=1)
    MeetingNoteFactory(round=round_, agenda_item=item, body="Größere Städte beteiligen früher.", is_key_finding=True)
    return round_


def request_build(round_, capture) -> FollowUpReport:
    with capture(execute=True):
        report = report_request(round_=round_, user=None)
    report.refresh_from_db()
    return report


def pdf_fonts(data: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(data))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


class EngineKiller:
    """Sends ``sig`` to every PDF engine child of this process while it runs (a real crash from outside)."""

    def __init__(self, sig: int) -> None:
        self.sig, self.killed, self.stop = sig, [], threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        me = str(os.getpid())
        while not self.stop.is_set():
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit() or int(entry.name) in self.killed:
                    continue
                try:
                    cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                    parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
                except OSError:
                    continue
                if ENGINE_MODULE in cmdline and parent == me:
                    try:
                        os.kill(int(entry.name), self.sig)
                    except ProcessLookupError:
                        continue
                    self.killed.append(int(entry.name))
            self.stop.wait(0.01)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()


def test_report_fonts_are_vendored_with_their_licence_and_declared_by_font_face():
    css = (VENDORED / "dejavu.css").read_text()

    sources = re.findall(r'src: url\("\./([^"]+)"\)', css)

    assert css.count("@font-face") == len(report_pdf_engine.FONT_FILES) == 4
    assert sorted(sources) == sorted(report_pdf_engine.FONT_FILES)
    assert all((VENDORED / name).stat().st_size > 100_000 for name in sources)
    assert "Bitstream Vera" in (VENDORED / "LICENSE").read_text()
    assert django_settings.REPORT_FONTS_DIR == VENDORED


def test_report_pdf_is_set_in_the_vendored_fonts_only(round_, django_capture_on_commit_callbacks):
    report = request_build(round_, django_capture_on_commit_callbacks)
    with report.pdf.open("rb") as pdf:
        fonts = pdf_fonts(pdf.read())

    # A font the system has but the app does not ship stays out of reach of the engine.
    assert Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf").exists()
    serif = report_pdf.run_engine(
        document='<html lang="de"><body><p style="font-family: \'DejaVu Serif\'">Serifen?</p></body></html>'
    )

    assert report.status == FollowUpReport.Status.BUILT
    assert {"DejaVu-Sans", "DejaVu-Sans-Bold"} <= fonts
    assert fonts <= {"DejaVu-Sans", "DejaVu-Sans-Bold", "DejaVu-Sans-Italic", "DejaVu-Sans-Bold-Italic"}
    assert pdf_fonts(serif) == {"DejaVu-Sans"}


def test_report_build_without_fonts_fails_after_three_attempts_with_a_readable_error(
    round_, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.REPORT_FONTS_DIR = tmp_path / "keine-schriften"
    settings.REPORT_FONTS_DIR.mkdir()

    report = request_build(round_, django_capture_on_commit_callbacks)

    assert (report.status, report.attempts, report.progress) == (FollowUpReport.Status.FAILED, 3, 0)
    assert report.error == (
        f"Die PDF-Erstellung ist fehlgeschlagen (Status 3): Schriftdateien fehlen in {settings.REPORT_FONTS_DIR}: "
        "DejaVuSans.ttf, DejaVuSans-Bold.ttf, DejaVuSans-Oblique.ttf, DejaVuSans-BoldOblique.ttf, dejavu.css"
    )
    assert not report.pdf


def test_report_build_engine_killed_by_sigsegv_counts_as_attempts_until_failed(
    round_, django_capture_on_commit_callbacks
):
    with EngineKiller(signal.SIGSEGV) as killer:
        report = request_build(round_, django_capture_on_commit_callbacks)

    assert len(killer.killed) == 3
    assert (report.status, report.attempts) == (FollowUpReport.Status.FAILED, 3)
    assert report.error == "Die PDF-Erstellung ist abgestürzt (Signal SIGSEGV)."


def test_report_build_over_the_time_limit_counts_as_an_attempt(round_, settings, django_capture_on_commit_callbacks):
    settings.REPORT_BUILD_TIMEOUT_SECONDS = 0.05
    settings.REPORT_BUILD_MAX_ATTEMPTS = 2

    report = request_build(round_, django_capture_on_commit_callbacks)

    assert (report.status, report.attempts) == (FollowUpReport.Status.FAILED, 2)
    assert report.error == "Die PDF-Erstellung hat das Zeitlimit von 0.05 Sekunden überschritten."


def test_report_build_failed_attempt_is_queued_again_with_its_error(round_, settings, tmp_path):
    settings.REPORT_FONTS_DIR = tmp_path
    report = FollowUpReport.objects.create(round=round_, version=1)

    built = report_build(report_id=report.pk)  # on_commit never runs here: the retry is not started

    report.refresh_from_db()
    assert built is False
    assert (report.status, report.attempts) == (FollowUpReport.Status.QUEUED, 1)
    assert "Schriftdateien fehlen" in report.error


def test_report_retry_builds_a_failed_report_again(round_, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.REPORT_FONTS_DIR = tmp_path
    report = request_build(round_, django_capture_on_commit_callbacks)
    settings.REPORT_FONTS_DIR = VENDORED

    with django_capture_on_commit_callbacks(execute=True):
        report_retry(report=report, user=None)

    report.refresh_from_db()
    assert (report.status, report.attempts, report.error) == (FollowUpReport.Status.BUILT, 1, "")
    assert report.pdf


def test_report_retry_refused_unless_failed(round_, django_capture_on_commit_callbacks):
    report = request_build(round_, django_capture_on_commit_callbacks)

    with pytest.raises(DomainError):
        report_retry(report=report, user=None)


def test_reports_sweep_gives_up_a_build_stuck_after_its_last_attempt(round_, django_capture_on_commit_callbacks):
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    stuck = FollowUpReport.objects.create(
        round=round_, version=1, status=FollowUpReport.Status.BUILDING, built_at=long_ago, attempts=3
    )
    failed = FollowUpReport.objects.create(round=round_, version=2, status=FollowUpReport.Status.FAILED, attempts=3)
    FollowUpReport.objects.filter(pk__in=[stuck.pk, failed.pk]).update(created_at=long_ago)

    with django_capture_on_commit_callbacks(execute=True):
        requeued = reports_sweep()

    stuck.refresh_from_db()
    failed.refresh_from_db()
    assert requeued == 0
    assert (stuck.status, stuck.attempts) == (FollowUpReport.Status.FAILED, 3)
    assert stuck.error == "Die Erstellung ist nach 3 Versuchen nicht fertig geworden (Absturz oder Zeitüberschreitung)."
    assert (failed.status, failed.attempts) == (FollowUpReport.Status.FAILED, 3)


def test_report_page_shows_the_error_and_a_retry_button(
    round_, organiser, client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.REPORT_FONTS_DIR = tmp_path
    report = request_build(round_, django_capture_on_commit_callbacks)
    client.force_login(organiser)

    page = client.get(f"/orga/runden/{round_.pk}/nachbericht/").content.decode()
    settings.REPORT_FONTS_DIR = VENDORED
    with django_capture_on_commit_callbacks(execute=True):
        retried = client.post(f"/orga/runden/{round_.pk}/nachbericht/{report.pk}/erneut-versuchen/")

    report.refresh_from_db()
    assert "Nach 3 Versuchen abgebrochen. Die PDF-Erstellung ist fehlgeschlagen (Status 3): Schriftdateien" in page
    assert f'action="/orga/runden/{round_.pk}/nachbericht/{report.pk}/erneut-versuchen/"' in page
    assert "Erneut versuchen" in page
    assert retried.status_code == 302
    assert report.status == FollowUpReport.Status.BUILT
