"""Rounds that already happened: recorded afterwards with their agenda, participants and attendance, notes and
report (built from the notes, an uploaded PDF or a link), and never a mail to the participants about them."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from rounds.models import FollowUpReport, Invitation, Round
from rounds.services import agenda, invitations, notes, reminders, reports
from rounds.services import rounds as round_services
from rounds.services.organisations import representative_add
from strategy_exchange.errors import DomainError
from tests.factories import (
    ClauseFactory,
    MembershipFactory,
    OrganisationFactory,
    RoundFactory,
    SeriesFactory,
    UserFactory,
)
from tests.participants.test_strategy import minimal_pdf

pytestmark = pytest.mark.django_db

BERLIN = datetime.timezone(datetime.timedelta(hours=2))
KICK_OFF = datetime.datetime(2021, 6, 15, 10, 0, tzinfo=BERLIN)


@pytest.fixture
def series():
    organiser = UserFactory(full_name="Olga Organisatorin")
    return SeriesFactory(organisers=[organiser], title="Klauseln der Smart-City-Strategien")


@pytest.fixture
def organiser(series):
    return series.organisers.get()


def _record(series, **kwargs) -> Round:
    return round_services.round_record_past(
        series=series, starts_at=KICK_OFF, ends_at=KICK_OFF + datetime.timedelta(hours=2), **kwargs
    )


def _representative(name: str, organisation_name: str):
    organisation = OrganisationFactory(name=organisation_name)
    person = UserFactory(full_name=name)
    MembershipFactory(user=person, organisation=organisation)
    return person, organisation


def test_round_record_past_is_held_from_the_start_and_takes_the_first_free_number(series):
    RoundFactory(series=series, number=2, starts_at=KICK_OFF + datetime.timedelta(days=200))
    RoundFactory(series=series, number=3, starts_at=KICK_OFF + datetime.timedelta(days=400))

    round_ = _record(series, title="Auftakt")

    assert (round_.number, round_.status, round_.recorded_afterwards) == (1, Round.Status.HELD, True)


def test_round_record_past_refuses_a_round_in_the_future(series):
    with pytest.raises(DomainError) as error:
        round_services.round_record_past(
            series=series,
            starts_at=timezone.now() + datetime.timedelta(days=1),
            ends_at=timezone.now() + datetime.timedelta(days=1, hours=2),
        )

    assert error.value.field == "date"


def test_past_round_takes_agenda_participants_with_attendance_and_notes_without_any_mail(
    series, organiser, django_capture_on_commit_callbacks
):
    jena_person, jena = _representative("Jens Jena", "Stadt Jena")
    bamberg_person, _bamberg = _representative("Berta Bamberg", "Stadt Bamberg")
    clause = ClauseFactory(number=1, title="Einfügung in bestehende Stadtentwicklung")

    with django_capture_on_commit_callbacks(execute=True):
        round_ = _record(series)
        item = agenda.agenda_add_clause(round_=round_, clause=clause)
        invitations.invitations_create_for_organisations(round_=round_, organisations=[jena], invited_by=organiser)
        invitations.invitations_create_for_people(round_=round_, people=[bamberg_person], invited_by=organiser)
        note = notes.note_add(round_=round_, agenda_item=item, user=organiser)
        reminders.reminders_queue_due(now=KICK_OFF - datetime.timedelta(days=1))
        reminders.organisers_nudge_due(now=timezone.now())

    recorded = list(round_.invitations.order_by("organisation__name").values_list("user__full_name", "attended_at"))
    assert recorded == [("Berta Bamberg", KICK_OFF), ("Jens Jena", KICK_OFF)]
    assert [i.clause_id for i in round_.agenda_items.all()] == [clause.pk]
    assert note.round_id == round_.pk
    assert [m.to for m in mail.outbox if jena_person.email in m.to or bamberg_person.email in m.to] == []
    with pytest.raises(DomainError):
        invitations.invitations_send(round_=round_)


def test_attendance_of_a_past_round_can_be_corrected(series, organiser):
    _person, jena = _representative("Jens Jena", "Stadt Jena")
    round_ = _record(series)
    [invitation] = invitations.invitations_create_for_organisations(
        round_=round_, organisations=[jena], invited_by=organiser
    )

    invitations.attendance_set(round_=round_, present=[])

    assert Invitation.objects.get(pk=invitation.pk).attended_at is None


def test_past_round_records_someone_without_an_account_and_mails_nobody(
    series, organiser, django_capture_on_commit_callbacks
):
    hafencity = OrganisationFactory(name="HafenCity Hamburg GmbH")
    round_ = _record(series)

    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitations.invitation_create_for_email(
            round_=round_,
            email="Neu@HafenCity.example",
            full_name="Hanna Hafen",
            organisation=hafencity,
            invited_by=organiser,
        )

    assert (invitation.user.email, invitation.organisation, invitation.attended_at) == (
        "neu@hafencity.example",
        hafencity,
        KICK_OFF,
    )
    assert invitation.user.has_usable_password() is False
    assert mail.outbox == []


def test_person_recorded_for_a_past_round_gets_the_sign_up_link_once_added_as_representative(
    series, organiser, django_capture_on_commit_callbacks
):
    hafencity = OrganisationFactory(name="HafenCity Hamburg GmbH")
    round_ = _record(series)
    invitations.invitation_create_for_email(
        round_=round_,
        email="neu@hafencity.example",
        full_name="Hanna Hafen",
        organisation=hafencity,
        invited_by=organiser,
    )

    with django_capture_on_commit_callbacks(execute=True):
        person, created = representative_add(
            organisation=hafencity, email="neu@hafencity.example", role="representative", invited_by=organiser
        )
    with pytest.raises(DomainError):  # the link went out: a second try says the account is not set up yet
        representative_add(
            organisation=hafencity, email="neu@hafencity.example", role="representative", invited_by=organiser
        )

    assert (person.full_name, created) == ("Hanna Hafen", True)
    assert [m.to for m in mail.outbox] == [["neu@hafencity.example"]]


def test_past_round_report_is_built_from_the_notes(series, organiser, django_capture_on_commit_callbacks):
    clause = ClauseFactory(number=1, title="Einfügung in bestehende Stadtentwicklung")
    round_ = _record(series)
    item = agenda.agenda_add_clause(round_=round_, clause=clause)
    note = notes.note_add(round_=round_, agenda_item=item, user=organiser)
    notes.note_save(
        round_=round_,
        agenda_item=item,
        note=note,
        body="Das ISEK bleibt der Rahmen.",
        is_key_finding=True,
        is_open_question=False,
        base_version=note.version,
        user=organiser,
    )

    with django_capture_on_commit_callbacks(execute=True):
        report = reports.report_request(round_=round_, user=organiser)
    report.refresh_from_db()

    assert report.status == FollowUpReport.Status.BUILT
    assert "Das ISEK bleibt der Rahmen." in report.html


def test_past_round_report_from_an_uploaded_pdf(series, organiser):
    round_ = _record(series)
    upload = SimpleUploadedFile("bericht.pdf", minimal_pdf(), content_type="application/pdf")

    report = reports.report_attach(round_=round_, user=organiser, pdf=upload)

    assert (report.status, report.version, report.external_url) == (FollowUpReport.Status.BUILT, 1, "")
    with report.pdf.open("rb") as stored:
        assert stored.read() == minimal_pdf()
    assert "Runde 1" in report.html


def test_past_round_report_from_a_link_can_be_published(series, organiser, django_capture_on_commit_callbacks):
    round_ = _record(series)
    url = "https://www.example.org/nachbericht-auftakt"

    report = reports.report_attach(round_=round_, user=organiser, url=url)
    with django_capture_on_commit_callbacks(execute=True):
        reports.report_publish(report=report, user=organiser)

    assert f'href="{url}"' in report.html
    assert Round.objects.get(pk=round_.pk).status == Round.Status.PUBLISHED


@pytest.mark.parametrize(
    ("pdf", "url"),
    [(None, ""), (b"%PDF-1.4\n", "https://www.example.org/x"), (b"kein PDF", "")],
    ids=["neither", "both", "not-a-pdf"],
)
def test_report_attach_needs_exactly_one_real_pdf_or_link(series, organiser, pdf, url):
    round_ = _record(series)
    upload = SimpleUploadedFile("bericht.pdf", pdf, content_type="application/pdf") if pdf else None

    with pytest.raises(DomainError) as error:
        reports.report_attach(round_=round_, user=organiser, pdf=upload, url=url)

    assert (error.value.field, round_.reports.count()) == ("pdf", 0)


# Views ------------------------------------------------------------------------------------------------


def _record_data(**overrides) -> dict:
    return {
        "number": "",
        "title": "Auftakt",
        "date": "15.06.2021",
        "start_time": "10:00",
        "end_time": "12:00",
        "online_link": "",
        "venue": "",
        **overrides,
    }


def test_round_record_view_creates_a_held_round_and_sends_nothing(
    client, series, organiser, django_capture_on_commit_callbacks
):
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("orga:round_record", kwargs={"slug": series.slug}), _record_data())

    round_ = series.rounds.get()
    assert response["Location"] == reverse("orga:agenda", kwargs={"pk": round_.pk})
    assert (round_.number, round_.status, round_.starts_at) == (1, Round.Status.HELD, KICK_OFF)
    assert mail.outbox == []


def test_round_record_view_shows_a_taken_number_next_to_the_field(client, series, organiser):
    RoundFactory(series=series, number=1)
    client.force_login(organiser)

    response = client.post(reverse("orga:round_record", kwargs={"slug": series.slug}), _record_data(number="1"))

    assert response.status_code == 200
    assert response.context["form"].errors["number"] == [
        "Runde 1 gibt es in dieser Reihe bereits. Bitte wählen Sie eine andere Nummer."
    ]
    assert response.context["form"]["title"].value() == "Auftakt"


def test_invitations_page_of_a_past_round_records_organisations_as_present(
    client, series, organiser, django_capture_on_commit_callbacks
):
    person, jena = _representative("Jens Jena", "Stadt Jena")
    round_ = _record(series)
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("orga:invite_organisations", kwargs={"pk": round_.pk}), {"org-organisations": [jena.pk]})
    page = client.get(reverse("orga:invitations", kwargs={"pk": round_.pk})).content.decode()

    assert list(round_.invitations.values_list("user", "attended_at")) == [(person.pk, KICK_OFF)]
    assert "Diese Runde ist nachträglich erfasst." in page
    assert "Teilnehmende ohne Konto eintragen" in page and "Per E-Mail einladen" not in page
    assert mail.outbox == []


def test_report_attach_view_with_a_link(client, series, organiser):
    round_ = _record(series)
    client.force_login(organiser)

    response = client.post(
        reverse("orga:report_attach", kwargs={"pk": round_.pk}), {"attach-url": "www.example.org/nachbericht"}
    )

    [report] = round_.reports.all()
    assert response["Location"] == reverse("orga:report", kwargs={"pk": round_.pk})
    assert report.external_url == "https://www.example.org/nachbericht"


def test_report_attach_view_without_pdf_or_link_shows_the_error(client, series, organiser):
    round_ = _record(series)
    client.force_login(organiser)

    response = client.post(reverse("orga:report_attach", kwargs={"pk": round_.pk}), {"attach-url": ""})

    assert response.status_code == 422
    assert response.context["attach_form"].errors["pdf"] == [
        "Bitte laden Sie entweder eine PDF-Datei hoch oder geben Sie einen Link an."
    ]
