import pytest
from django.urls import reverse

from rounds.models import AgendaItem, Round
from tests.factories import AgendaItemFactory, ClauseFactory, MeetingNoteFactory, RoundFactory
from tests.rounds.organiser_world import build_world, fast_passwords  # noqa: F401

pytestmark = pytest.mark.django_db


def test_agenda_move_htmx_returns_reordered_list(client):
    world = build_world()
    second = AgendaItemFactory(round=world.round, clause=ClauseFactory(number=11, title="Zweiter Punkt"), order=2)
    client.force_login(world.organiser)

    response = client.post(
        reverse("orga:agenda_move", kwargs={"pk": world.round.pk, "item_pk": second.pk}),
        {"direction": "up"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()

    assert html.index("Zweiter Punkt") < html.index("Beteiligung aller relevanten Akteure")
    assert "<html" not in html
    assert list(AgendaItem.objects.filter(round=world.round).values_list("pk", flat=True)) == [second.pk, world.item.pk]


def test_agenda_page_shows_earlier_rounds_suggestions_and_open_questions(client):
    world = build_world()
    earlier = RoundFactory(series=world.series, number=1, status=Round.Status.HELD)
    earlier_item = AgendaItemFactory(round=earlier, clause=world.item.clause)
    MeetingNoteFactory(round=earlier, agenda_item=earlier_item, is_open_question=True, body="Wer moderiert?")
    client.force_login(world.organiser)

    response = client.get(reverse("orga:agenda", kwargs={"pk": world.round.pk}) + "?q=9")
    html = response.content.decode()

    assert "Bereits besprochen in: Runde 1" in html
    assert "Wer moderiert?" in html
    assert [c.number for c in response.context["suggestions_form"].suggestions.clauses] == [9]
    assert [c.number for c in response.context["results"]] == [9]


def test_agenda_add_carried_question_links_the_note(client):
    world = build_world()
    earlier = RoundFactory(series=world.series, number=1, status=Round.Status.HELD)
    clause = ClauseFactory(number=12)
    question = MeetingNoteFactory(
        round=earlier, agenda_item=AgendaItemFactory(round=earlier, clause=clause), is_open_question=True
    )
    client.force_login(world.organiser)

    response = client.post(
        reverse("orga:agenda_add", kwargs={"pk": world.round.pk}), {"clause": clause.pk, "carried_from": question.pk}
    )

    assert response["Location"] == reverse("orga:agenda", kwargs={"pk": world.round.pk})
    assert AgendaItem.objects.get(round=world.round, clause=clause).carried_from == question
