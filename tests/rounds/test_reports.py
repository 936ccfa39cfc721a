import datetime
import io
import re
import warnings
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.utils import timezone
from pypdf import PdfReader

from clauses.models import Position
from participants.models import Organisation
from rounds.models import Comment, FollowUpReport, Invitation, ReportDelivery, Round
from rounds.services.report_delivery import report_notify
from rounds.services.reports import report_build, report_publish, report_request, reports_sweep
from strategy_exchange.errors import DomainError
from tests.factories import (
    AgendaItemFactory,
    ClauseFactory,
    CommentFactory,
    InvitationFactory,
    MeetingNoteFactory,
    OrganisationFactory,
    PositionFactory,
    RoundFactory,
    SeriesFactory,
    StrategyFactory,
    UserFactory,
)

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime.datetime(2022, 3, 15, 10, 0, tzinfo=BERLIN)
pytestmark = pytest.mark.django_db

FINDINGS = [
    "Beteiligung gelingt, wenn die Verwaltung moderiert statt entscheidet.",
    "Jugendliche werden über Schulen am besten erreicht.",
    "Alle Städte wünschen sich einen gemeinsamen Leitfaden.",
]
INTERNAL = "Vertraulich: Unser Budget wurde gestrichen."
HIDDEN = "Ausgeblendeter Beitrag mit Werbung."
DELETED = "Gelöschter Beitrag."


@pytest.fixture
def organiser():
    return UserFactory(email="orga@example.org")


@pytest.fixture
def round_(organiser):
    series = SeriesFactory(title="Klauseln der Smart-City-Strategien", slug="klauseln", organisers=[organiser])
    round_ = RoundFactory(
        series=series, number=2, status=Round.Status.HELD, starts_at=START, ends_at=START + datetime.timedelta(hours=2)
    )
    participation = ClauseFactory(
        number=4,
        title="Beteiligung aller relevanten Akteure",
        typical_wording="Wir haben alle relevanten Akteure beteiligt.",
    )
    item4 = AgendaItemFactory(round=round_, clause=participation, order=1)
    item5 = AgendaItemFactory(round=round_, clause=ClauseFactory(number=5, title="Klausel fünf"), order=2)
    jena = OrganisationFactory(name="Stadt Jena")
    bamberg = OrganisationFactory(name="Stadt Bamberg")
    muenster = OrganisationFactory(name="Stadt Münster")
    InvitationFactory(
        round=round_, organisation=jena, rsvp=Invitation.Rsvp.ACCEPTED, user=UserFactory(email="jena@example.org")
    )
    InvitationFactory(
        round=round_, organisation=bamberg, rsvp=Invitation.Rsvp.ACCEPTED, user=UserFactory(email="bamberg@example.org")
    )
    InvitationFactory(
        round=round_,
        organisation=muenster,
        rsvp=Invitation.Rsvp.DECLINED,
        user=UserFactory(email="muenster@example.org"),
    )
    strategy = StrategyFactory(organisation=jena, title="Jena digital")
    PositionFactory(
        strategy=strategy,
        clause=participation,
        status=Position.Status.PARTLY,
        quote="Bürgerbeteiligung online",
        page=12,
    )
    basis = MeetingNoteFactory(round=round_, agenda_item=item4, body="Diskussion über Beteiligungsformate.")
    MeetingNoteFactory(round=round_, agenda_item=item4, body=FINDINGS[0], is_key_finding=True)
    MeetingNoteFactory(round=round_, agenda_item=item5, body=FINDINGS[1], is_key_finding=True)
    MeetingNoteFactory(round=round_, agenda_item=None, body=FINDINGS[2], is_key_finding=True)
    MeetingNoteFactory(round=round_, agenda_item=item5, body="Wie oft aktualisieren?", is_open_question=True)
    CommentFactory(agenda_item=item4, organisation=jena, body="Wir nutzen Stadtteilkonferenzen.")
    CommentFactory(
        agenda_item=item4,
        organisation=bamberg,
        body="Bei uns hilft ein Beirat.",
        confidentiality=Comment.Confidentiality.ANONYMISED,
    )
    CommentFactory(
        agenda_item=item4, organisation=jena, body=INTERNAL, confidentiality=Comment.Confidentiality.INTERNAL
    )
    CommentFactory(agenda_item=item5, organisation=jena, body=HIDDEN, moderation=Comment.Moderation.HIDDEN)
    CommentFactory(agenda_item=item5, organisation=jena, body=DELETED, deleted_at=timezone.now())
    round_.basis_note = basis
    return round_


def build(round_, capture, user=None) -> FollowUpReport:
    with capture(execute=True):
        report = report_request(round_=round_, user=user)
    report.refresh_from_db()
    return report


def pdf_text(report: FollowUpReport) -> str:
    with report.pdf.open("rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def html_findings(html: str) -> list[str]:
    items = re.findall(r'<li class="report__finding"[^>]*>\s*<p>(.*?)</p>', html, flags=re.S)
    return [" ".join(item.split()) for item in items]


def test_report_build_makes_html_and_pdf(round_, organiser, django_capture_on_commit_callbacks):
    report = build(round_, django_capture_on_commit_callbacks, organiser)

    assert report.status == FollowUpReport.Status.BUILT
    assert report.progress == 100
    assert report.version == 1
    assert report.pdf.name == f"reports/{round_.pk}/nachbericht-klauseln-runde-2-v1.pdf"
    assert default_storage.exists(report.pdf.name)
    assert "Klauseln der Smart-City-Strategien – Runde 2" in report.html
    assert "Dienstag, 15. März 2022, 10:00–12:00 Uhr" in report.html


def test_report_pdf_is_valid_with_every_key_finding_and_no_internal_comment(round_, django_capture_on_commit_callbacks):
    report = build(round_, django_capture_on_commit_callbacks)

    text = pdf_text(report)

    assert text.startswith("NACHBERICHT Klauseln der Smart-City-Strategien – Runde 2") or "Nachbericht" in text
    for finding in FINDINGS:
        assert finding in text
    for secret in (INTERNAL, HIDDEN, DELETED):
        assert secret not in text
        assert secret not in report.html


def test_report_pdf_is_tagged_for_screen_readers(round_, django_capture_on_commit_callbacks):
    report = build(round_, django_capture_on_commit_callbacks)

    with report.pdf.open("rb") as pdf:
        catalog = PdfReader(io.BytesIO(pdf.read())).trailer["/Root"]

    assert catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a PDF boolean object, not the bool
    assert catalog["/Lang"] == "de"
    structure = catalog["/StructTreeRoot"].get_object()
    document = structure["/K"].get_object() if not isinstance(structure["/K"], list) else structure["/K"][0]
    assert document["/S"] == "/Document"
    assert "/ParentTree" in structure


def test_report_html_and_pdf_carry_the_same_findings(round_, django_capture_on_commit_callbacks):
    report = build(round_, django_capture_on_commit_callbacks)

    in_html = html_findings(report.html)
    text = pdf_text(report)

    assert sorted(in_html) == sorted(FINDINGS)
    assert [finding for finding in in_html if finding in text] == in_html


def test_report_discussion_honours_confidentiality(round_, django_capture_on_commit_callbacks):
    report = build(round_, django_capture_on_commit_callbacks)

    assert "Wir nutzen Stadtteilkonferenzen." in report.html
    assert "– Stadt Jena" in report.html
    assert "Bei uns hilft ein Beirat." in report.html
    assert "– eine teilnehmende Organisation" in report.html
    assert "Stadt Bamberg</p>" not in report.html


def test_report_lists_participating_organisations_and_positions(round_, django_capture_on_commit_callbacks):
    report = build(round_, django_capture_on_commit_callbacks)

    organisations = re.findall(r'<ul class="report__organisations">(.*?)</ul>', report.html, flags=re.S)[0]
    assert re.findall(r"<li>(.*?)</li>", organisations) == ["Stadt Bamberg", "Stadt Jena"]
    assert "Jena digital" in report.html
    assert "teilweise" in report.html
    assert "„Bürgerbeteiligung online“" in report.html
    assert "(S. 12)" in report.html


def test_report_shows_the_strategy_in_force_as_the_matrix_does(round_, django_capture_on_commit_callbacks):
    from clauses.selectors import matrix_strategies

    jena = Organisation.objects.get(name="Stadt Jena")
    StrategyFactory(organisation=jena, title="Entwurf ohne Beschluss", adopted_on=None)

    report = build(round_, django_capture_on_commit_callbacks)

    in_matrix = matrix_strategies().get(organisation=jena)
    assert in_matrix.title == "Jena digital"
    assert "Jena digital" in report.html
    assert "Entwurf ohne Beschluss" not in report.html


def test_report_findings_link_to_their_notes(round_, django_capture_on_commit_callbacks):
    report = build(round_, django_capture_on_commit_callbacks)

    finding = round_.notes.get(body=FINDINGS[0])
    section = report.html.split(f'id="ergebnis-{finding.pk}"')[1].split("</li>")[0]
    assert re.findall(r'href="#(notiz-\d+)"', section) == [f"notiz-{finding.pk}", f"notiz-{round_.basis_note.pk}"]
    assert f'id="notiz-{finding.pk}"' in report.html
    assert f'id="notiz-{round_.basis_note.pk}"' in report.html


def test_report_rebuild_makes_a_new_version(round_, django_capture_on_commit_callbacks):
    first = build(round_, django_capture_on_commit_callbacks)

    second = build(round_, django_capture_on_commit_callbacks)

    assert (first.version, second.version) == (1, 2)
    assert first.pdf.name != second.pdf.name
    assert FollowUpReport.objects.filter(round=round_, status=FollowUpReport.Status.BUILT).count() == 2


def test_report_build_twice_builds_once(round_, django_capture_on_commit_callbacks):
    report = build(round_, django_capture_on_commit_callbacks)

    assert report_build(report_id=report.pk) is False


def test_report_request_before_round_held_is_refused(round_):
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.INVITED)
    round_.refresh_from_db()

    with pytest.raises(DomainError):
        report_request(round_=round_, user=None)


def test_report_publish_emails_each_participant_once_with_pdf(round_, django_capture_on_commit_callbacks):
    report = build(round_, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        report_publish(report=report, user=None)
    again = report_notify(report_id=report.pk)

    assert again == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["bamberg@example.org", "jena@example.org"]
    message = mail.outbox[0]
    assert message.subject == "Nachbericht: Klauseln der Smart-City-Strategien, Runde 2"
    assert f"/runden/{round_.pk}/nachbericht/v1/" in message.body
    assert FINDINGS[0] in message.body
    assert [(name, mimetype) for name, _content, mimetype in message.attachments] == [
        ("nachbericht-klauseln-runde-2-v1.pdf", "application/pdf")
    ]
    assert ReportDelivery.objects.filter(report=report, sent_at__isnull=False).count() == 2
    report.refresh_from_db()
    assert report.notified_at is not None
    assert Round.objects.get(pk=round_.pk).status == Round.Status.PUBLISHED


def test_report_publish_large_pdf_is_linked_not_attached(round_, settings, django_capture_on_commit_callbacks):
    settings.REPORT_ATTACHMENT_MAX_BYTES = 100
    report = build(round_, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        report_publish(report=report, user=None)

    assert [m.attachments for m in mail.outbox] == [[], []]
    assert "zu groß" in mail.outbox[0].body


def test_reports_sweep_requeues_a_build_whose_worker_died(round_, django_capture_on_commit_callbacks):
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    report = FollowUpReport.objects.create(
        round=round_, version=1, status=FollowUpReport.Status.BUILDING, built_at=long_ago
    )
    FollowUpReport.objects.filter(pk=report.pk).update(created_at=long_ago)

    with django_capture_on_commit_callbacks(execute=True):
        requeued = reports_sweep()

    report.refresh_from_db()
    assert requeued == 1
    assert report.status == FollowUpReport.Status.BUILT


def test_report_detail_for_participant_after_publishing(round_, client, django_capture_on_commit_callbacks):
    report = build(round_, django_capture_on_commit_callbacks)
    participant = Invitation.objects.get(round=round_, user__email="jena@example.org").user
    client.force_login(participant)

    before = client.get(f"/runden/{round_.pk}/nachbericht/v1/")
    with django_capture_on_commit_callbacks(execute=True):
        report_publish(report=report, user=None)
    after = client.get(f"/runden/{round_.pk}/nachbericht/v1/")
    pdf = client.get(f"/runden/{round_.pk}/nachbericht/v1/nachbericht.pdf")

    assert before.status_code == 404
    assert after.status_code == 200
    assert FINDINGS[0] in after.content.decode()
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")


def test_report_detail_hidden_from_strangers_and_anonymous(round_, client, django_capture_on_commit_callbacks):
    report = build(round_, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        report_publish(report=report, user=None)

    anonymous = client.get(f"/runden/{round_.pk}/nachbericht/v1/")
    old_address = client.get(f"/nachberichte/{report.pk}/")
    client.force_login(UserFactory())
    stranger = client.get(f"/runden/{round_.pk}/nachbericht/v1/nachbericht.pdf")

    assert (anonymous.status_code, old_address.status_code, stranger.status_code) == (404, 404, 404)


def test_report_detail_organiser_reviews_unpublished_version(
    round_, organiser, client, django_capture_on_commit_callbacks
):
    build(round_, django_capture_on_commit_callbacks)
    client.force_login(organiser)

    response = client.get(f"/runden/{round_.pk}/nachbericht/v1/")

    assert response.status_code == 200
    assert FINDINGS[2] in response.content.decode()


def test_pdf_document_drops_only_the_whitespace_between_block_level_tags():
    from rounds.services.report_pdf import compact_block_whitespace

    html = (
        "<article>\n  <h2>§ 4 Titel</h2>\n  <ul>\n    <li>\n      <p><strong>Notiz</strong> · <em>offen</em></p>\n"
        '      <p class="x">– <a href="#a">A</a>, <a href="#b">B</a></p>\n    </li>\n  </ul>\n'
        "  <pre>\n  code\n</pre>\n  <table><tr>\n<td> a b </td>\n</tr></table>\n</article>"
    )
    assert compact_block_whitespace(html) == (
        "<article><h2>§ 4 Titel</h2><ul><li><p><strong>Notiz</strong> · <em>offen</em></p>"
        '<p class="x">– <a href="#a">A</a>, <a href="#b">B</a></p></li></ul>'
        "\n  <pre>\n  code\n</pre>\n  <table><tr><td> a b </td></tr></table></article>"
    )


def test_worker_loads_the_pdf_engine_when_it_starts(monkeypatch):
    from celery.signals import worker_init

    from rounds.services import report_pdf

    loaded = []
    monkeypatch.setattr(report_pdf, "pdf_engine_load", lambda: loaded.append(True))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Celery's Django fixup, also listening, expects a real worker
        worker_init.send(sender=None)

    assert loaded == [True]


def test_report_reads_as_an_article_title_introduction_organisations_then_each_clause(
    round_, django_capture_on_commit_callbacks
):
    report = build(round_, django_capture_on_commit_callbacks)
    html = report.html

    lead = " ".join(re.search(r'<p class="report__lead">(.*?)</p>', html, flags=re.S).group(1).split())
    landmarks = [
        "<h1>Klauseln der Smart-City-Strategien – Runde 2</h1>",
        'class="report__lead"',
        "<h2>Teilnehmende Organisationen</h2>",
        "<h2>§ 4 Beteiligung aller relevanten Akteure</h2>",
        "<figcaption>Typische Formulierung</figcaption>",
        "<h3>Kernergebnisse</h3>",
        "<h3>Stimmen aus der Runde</h3>",
        "<h2>§ 5 Klausel fünf</h2>",
        "<h2>Protokollnotizen</h2>",
    ]
    found, position = [], 0
    for landmark in landmarks:  # each after the one before
        position = html.find(landmark, position)
        found.append(position >= 0)
    assert all(found), [landmark for landmark, ok in zip(landmarks, found, strict=True) if not ok]
    assert lead == (
        "Am 15. März 2022 kam die Austauschreihe „Klauseln der Smart-City-Strategien“ zu ihrer 2. Runde zusammen. "
        "Es diskutierten Vertreter:innen von 2 Organisationen. "
        "Auf der Tagesordnung standen § 4 Beteiligung aller relevanten Akteure; § 5 Klausel fünf."
    )
    voice = html.split("<h3>Stimmen aus der Runde</h3>")[1].split("</ul>")[0]
    assert '<figcaption class="report__attribution">– Stadt Jena</figcaption>' in voice


def test_report_page_styles_set_a_readable_measure_and_print_the_article_alone():
    from pathlib import Path

    from django.conf import settings

    css = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()
    printed = css.split("@media print {", 1)[1]

    assert ".report p, .report li { max-width: 68ch; }" in css
    assert ".site-header, .site-nav, .site-footer, .messages, .report-page__tools { display: none !important; }" in (
        printed
    )
    assert ".report__protocol { break-before: page; }" in printed
