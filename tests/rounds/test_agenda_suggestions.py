"""Agenda suggestions of a round: open questions marked for follow-up and clauses the series has not discussed,
ticked on the agenda page, and listed in the next-round proposal."""

import datetime
import re
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from rounds.models import AgendaItem, Round, Series
from rounds.selectors.agenda import agenda_suggestions
from rounds.services.agenda import agenda_add_suggestions
from rounds.services.scheduling import next_rounds_propose
from strategy_exchange.errors import DomainError
from strategy_exchange.models import OutboxMessage
from tests.factories import (
    AgendaItemFactory,
    ClauseFactory,
    MeetingNoteFactory,
    RoundFactory,
    SeriesFactory,
    UserFactory,
    round_with_roles,
)
from tests.rounds.organiser_world import fast_passwords, field_error  # noqa: F401

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
QUESTION = "Wie oft soll die Strategie aktualisiert werden?"


def build_history() -> SimpleNamespace:
    """Round 3 of a series (§ 4 on its agenda); round 1 (published) discussed § 1–§ 3 and left an open question on
    § 3 and one on § 2 that round 2 (held) took up; a cancelled round 4 had § 6; another series discussed § 5."""
    roles = round_with_roles(number=3)
    s1 = ClauseFactory(number=1, title="Einfügung in bestehende Stadtentwicklung")
    s2 = ClauseFactory(number=2, title="Stützung auf übergeordnete Strategiepapiere")
    s3 = ClauseFactory(number=3, title="Aktualisierungszyklen der Smart City-Strategien")
    s5 = ClauseFactory(number=5, title="Datenstrategie")
    s6 = ClauseFactory(number=6, title="Offene Daten")
    first = RoundFactory(series=roles.series, number=1, status=Round.Status.PUBLISHED)
    items = {c.number: AgendaItemFactory(round=first, clause=c, order=c.number) for c in (s1, s2, s3)}
    question = MeetingNoteFactory(round=first, agenda_item=items[3], body=QUESTION, is_open_question=True)
    MeetingNoteFactory(round=first, agenda_item=items[1], body="Kernergebnis zu § 1", is_key_finding=True)
    resolved = MeetingNoteFactory(
        round=first, agenda_item=items[2], body="Wer prüft die Charta?", is_open_question=True
    )
    second = RoundFactory(series=roles.series, number=2, status=Round.Status.HELD)
    AgendaItemFactory(round=second, clause=s2, carried_from=resolved)
    cancelled = RoundFactory(series=roles.series, number=4, status=Round.Status.CANCELLED)
    AgendaItemFactory(round=cancelled, clause=s6)
    other_round = RoundFactory(series=SeriesFactory(), number=1, status=Round.Status.HELD)
    foreign = MeetingNoteFactory(
        round=other_round,
        agenda_item=AgendaItemFactory(round=other_round, clause=s5),
        body="Fremde Frage",
        is_open_question=True,
    )
    return SimpleNamespace(
        **roles.__dict__, clauses={1: s1, 2: s2, 3: s3, 5: s5, 6: s6}, first=first, second=second,
        question=question, resolved=resolved, foreign=foreign,
    )  # fmt: skip


@pytest.fixture
def world():
    return build_history()


def url(world, name="orga:agenda_add_suggestions"):
    return reverse(name, kwargs={"pk": world.round.pk})


def agenda(round_) -> list[tuple[int, int | None]]:
    return list(
        AgendaItem.objects.filter(round=round_).order_by("order").values_list("clause__number", "carried_from_id")
    )


def checked(html: str, name: str) -> list[str]:
    """The values of the ticked checkboxes called ``name``."""
    tags = re.findall(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    return [re.search(r'value="([^"]*)"', tag).group(1) for tag in tags if re.search(r"\schecked\b", tag)]


# The selector ----------------------------------------------------------------------------------------------


def test_agenda_suggestions_open_questions_and_undiscussed_clauses(world):
    suggestions = agenda_suggestions(round_=world.round)

    assert [(q.note.body, q.clause.number, q.round.number) for q in suggestions.questions] == [(QUESTION, 3, 1)]
    # § 1–§ 3 were discussed in held rounds, § 4 is on the agenda; § 6 only in a cancelled round, § 5 elsewhere.
    assert [clause.number for clause in suggestions.clauses] == [5, 6]


def test_agenda_suggestions_leave_out_unmarked_notes_resolved_questions_and_other_series(world):
    suggestions = agenda_suggestions(round_=world.round)

    bodies = [q.note.body for q in suggestions.questions]
    assert ("Kernergebnis zu § 1" in bodies, "Wer prüft die Charta?" in bodies, "Fremde Frage" in bodies) == (
        False,
        False,
        False,
    )


def test_agenda_suggestions_question_taken_up_in_this_round_is_no_longer_suggested(world):
    agenda_add_suggestions(round_=world.round, questions=[world.question], by=world.organiser)

    suggestions = agenda_suggestions(round_=world.round)

    assert (suggestions.questions, suggestions.taken_questions) == ([], {world.question.pk})


def test_agenda_suggestions_questions_of_later_rounds_are_not_suggested(world):
    later = RoundFactory(series=world.series, number=7, status=Round.Status.HELD)
    item = AgendaItemFactory(round=later, clause=world.clauses[1])
    MeetingNoteFactory(round=later, agenda_item=item, body="Später gefragt", is_open_question=True)

    suggestions = agenda_suggestions(round_=world.round)

    assert [q.note.body for q in suggestions.questions] == [QUESTION]


def test_agenda_suggestions_query_count_does_not_grow(world, django_assert_num_queries):
    for number in range(20, 30):
        clause = ClauseFactory(number=number)
        item = AgendaItemFactory(round=world.first, clause=clause)
        MeetingNoteFactory(round=world.first, agenda_item=item, is_open_question=True)
        ClauseFactory(number=number + 100)

    with django_assert_num_queries(3):
        suggestions = agenda_suggestions(round_=world.round)
        labels = [(q.clause.title, q.round.number) for q in suggestions.questions]

    assert (len(labels), len(suggestions.clauses)) == (11, 12)


# The service -----------------------------------------------------------------------------------------------


def test_agenda_add_suggestions_adds_question_with_its_clause_and_clauses_once(world):
    first = agenda_add_suggestions(
        round_=world.round, questions=[world.question], clauses=[world.clauses[6]], by=world.organiser
    )
    second = agenda_add_suggestions(
        round_=world.round, questions=[world.question], clauses=[world.clauses[6]], by=world.organiser
    )

    assert [item.clause.number for item in first] == [3, 6]
    assert second == []
    assert agenda(world.round) == [(4, None), (3, world.question.pk), (6, None)]


def test_agenda_add_suggestions_clause_on_agenda_takes_the_question_up(world):
    item = AgendaItemFactory(round=world.round, clause=world.clauses[3], order=2)

    changed = agenda_add_suggestions(round_=world.round, questions=[world.question], by=world.organiser)

    assert [i.pk for i in changed] == [item.pk]
    assert agenda(world.round) == [(4, None), (3, world.question.pk)]


def test_agenda_add_suggestions_refuses_question_of_another_series(world):
    with pytest.raises(DomainError) as error:
        agenda_add_suggestions(round_=world.round, questions=[world.foreign], by=world.organiser)

    assert (error.value.field, agenda(world.round)) == ("questions", [(4, None)])


def test_agenda_add_suggestions_refuses_question_taken_up_elsewhere_and_adds_nothing(world):
    with pytest.raises(DomainError) as error:
        agenda_add_suggestions(
            round_=world.round, questions=[world.resolved], clauses=[world.clauses[5]], by=world.organiser
        )

    assert error.value.message == "Eine der offenen Fragen wird bereits in Runde 2 aufgegriffen."
    assert agenda(world.round) == [(4, None)]


def test_agenda_add_suggestions_refused_once_the_round_was_held(world):
    Round.objects.filter(pk=world.round.pk).update(status=Round.Status.HELD)

    with pytest.raises(DomainError):
        agenda_add_suggestions(round_=world.round, clauses=[world.clauses[5]], by=world.organiser)

    assert agenda(world.round) == [(4, None)]


# The page and the view -------------------------------------------------------------------------------------


def test_agenda_page_lists_suggestions_grouped_as_checkboxes(client, world):
    client.force_login(world.organiser)

    html = client.get(url(world, "orga:agenda")).content.decode()

    groups = html.index("Offene Fragen zur Nachverfolgung"), html.index("Noch nicht besprochene Klauseln")
    assert groups[0] < html.index(QUESTION) < groups[1] < html.index("§ 5 Datenstrategie")
    assert f'name="vorschlag-questions" value="{world.question.pk}"' in html
    assert f'name="vorschlag-clauses" value="{world.clauses[6].pk}"' in html
    assert "Wer prüft die Charta?" not in html


def test_agenda_add_suggestions_organiser_puts_ticked_on_the_agenda(client, world):
    client.force_login(world.organiser)

    response = client.post(
        url(world), {"vorschlag-questions": [world.question.pk], "vorschlag-clauses": [world.clauses[5].pk]}
    )

    assert response["Location"] == url(world, "orga:agenda")
    assert agenda(world.round) == [(4, None), (3, world.question.pk), (5, None)]
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Auf der Tagesordnung: § 3, § 5."]


def test_agenda_add_suggestions_double_submit_adds_once(client, world):
    client.force_login(world.organiser)
    data = {"vorschlag-questions": [world.question.pk], "vorschlag-clauses": [world.clauses[5].pk]}

    client.post(url(world), data)
    again = client.post(url(world), data)

    assert (again.status_code, again["Location"]) == (302, url(world, "orga:agenda"))
    assert agenda(world.round) == [(4, None), (3, world.question.pk), (5, None)]
    assert [str(m) for m in get_messages(again.wsgi_request)][-1] == (
        "Die gewählten Vorschläge stehen bereits auf der Tagesordnung."
    )


def test_agenda_add_suggestions_htmx_success_reloads_the_page(client, world):
    client.force_login(world.organiser)

    response = client.post(url(world), {"vorschlag-clauses": [world.clauses[6].pk]}, HTTP_HX_REQUEST="true")

    assert (response.status_code, response["HX-Redirect"]) == (200, url(world, "orga:agenda"))
    assert agenda(world.round) == [(4, None), (6, None)]


def test_agenda_add_suggestions_representative_403(client, world):
    client.force_login(world.invited)

    response = client.post(url(world), {"vorschlag-clauses": [world.clauses[5].pk]})

    assert (response.status_code, agenda(world.round)) == (403, [(4, None)])


def test_agenda_add_suggestions_foreign_round_404(client, world):
    other_organiser = UserFactory()
    SeriesFactory(organisers=[other_organiser])
    client.force_login(other_organiser)

    response = client.post(url(world), {"vorschlag-clauses": [world.clauses[5].pk]})

    assert (response.status_code, agenda(world.round)) == (404, [(4, None)])


def test_agenda_add_suggestions_bad_input_keeps_ticks_with_an_error(client, world):
    client.force_login(world.organiser)

    response = client.post(
        url(world), {"vorschlag-questions": [world.foreign.pk], "vorschlag-clauses": [world.clauses[5].pk]}
    )
    html = response.content.decode()

    assert response.status_code == 422
    assert field_error(html, "id_vorschlag-questions") == (
        "Dieser Vorschlag gilt für diese Runde nicht (mehr). Bitte laden Sie die Seite neu."
    )
    assert checked(html, "vorschlag-clauses") == [str(world.clauses[5].pk)]
    assert agenda(world.round) == [(4, None)]


def test_agenda_add_suggestions_two_questions_for_one_clause_refused_with_ticks(client, world):
    also = MeetingNoteFactory(
        round=world.second,
        agenda_item=AgendaItemFactory(round=world.second, clause=world.clauses[3]),
        body="Und wer entscheidet das?",
        is_open_question=True,
    )
    client.force_login(world.organiser)
    ticked = [str(world.question.pk), str(also.pk)]

    response = client.post(url(world), {"vorschlag-questions": ticked}, HTTP_HX_REQUEST="true")
    html = response.content.decode()

    assert (response.status_code, "<html" in html) == (422, False)
    assert field_error(html, "id_vorschlag-questions") == (
        "Zu § 3 kann nur eine offene Frage auf die Tagesordnung (Runde 1 oder 2)."
    )
    assert checked(html, "vorschlag-questions") == ticked
    assert agenda(world.round) == [(4, None)]


def test_agenda_add_suggestions_nothing_ticked_is_refused(client, world):
    client.force_login(world.organiser)

    response = client.post(url(world), {})

    assert response.status_code == 422
    assert "Bitte kreuzen Sie mindestens einen Vorschlag an." in response.content.decode()


# The next-round proposal -----------------------------------------------------------------------------------


def test_round_proposal_mail_lists_suggestions_and_links_to_the_draft(django_capture_on_commit_callbacks):
    organiser = UserFactory(email="orga@example.org")
    series = SeriesFactory(
        title="Klauseln der Smart-City-Strategien",
        cadence_months=3,
        cadence_weekday=Series.Weekday.TUESDAY,
        cadence_week=2,
        organisers=[organiser],
    )
    held_at = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=BERLIN)
    held = RoundFactory(
        series=series,
        number=2,
        status=Round.Status.PUBLISHED,
        starts_at=held_at,
        ends_at=held_at + datetime.timedelta(hours=2),
    )
    item = AgendaItemFactory(round=held, clause=ClauseFactory(number=3, title="Aktualisierungszyklen"))
    MeetingNoteFactory(round=held, agenda_item=item, body="Wer pflegt das Register & die Daten?", is_open_question=True)
    ClauseFactory(number=7, title="Offene Daten")

    with (
        time_machine.travel(datetime.datetime(2026, 3, 11, 6, 0, tzinfo=BERLIN), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        [draft] = next_rounds_propose()

    row = OutboxMessage.objects.get(kind="round_proposal")
    assert (row.object_id, row.state) == (draft.pk, OutboxMessage.State.SENT)
    [message] = mail.outbox
    agenda_url = settings.SITE_URL + f"/orga/runden/{draft.pk}/tagesordnung/"
    body = message.body
    assert (
        "Offene Fragen zur Nachverfolgung:\n- § 3 Aktualisierungszyklen – aus Runde 2: „Wer pflegt das Register & die Daten?“"
        in body
    )
    assert "Noch nicht besprochene Klauseln:\n- § 7 Offene Daten\n" in body
    assert f"Vorschläge ankreuzen und die Tagesordnung festlegen: {agenda_url}" in body
    html = message.alternatives[0][0]
    assert "Wer pflegt das Register &amp; die Daten?" in html
    assert f"/orga/runden/{draft.pk}/tagesordnung/" in html
