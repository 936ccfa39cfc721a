"""The clause library for organisers: add and edit clauses, every change a stored version with author and
diff; the clause page shows the wording's history and which version each round discussed."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clauses.models import Clause, ClauseRevision
from clauses.services import clause_create, clause_update
from rounds.models import Round
from rounds.services.agenda import agenda_create_clause
from tests.factories import (
    AgendaItemFactory,
    ClauseFactory,
    MembershipFactory,
    RoundFactory,
    SeriesFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    user = UserFactory(full_name="Olga Organisatorin")
    SeriesFactory(organisers=[user])
    return user


CLAUSE = {
    "number": "4",
    "title": "Beteiligung aller relevanten Akteure",
    "typical_wording": "Wir haben alle relevanten Akteure beteiligt.",
    "explanation": "Von Government zu Governance.",
    "keywords": "Beteiligung;  Governance, ",
}


def test_clause_create_page_stores_the_clause_and_its_first_version(client, organiser):
    client.force_login(organiser)

    response = client.post(reverse("clauses:clause_create"), CLAUSE)

    clause = Clause.objects.get(number=4)
    assert response["Location"] == reverse("clauses:clause_edit", kwargs={"number": 4})
    assert clause.keywords == "Beteiligung, Governance"
    [revision] = clause.revisions.all()
    assert (revision.revision, revision.author, revision.typical_wording, revision.changed_fields) == (
        1,
        organiser,
        "Wir haben alle relevanten Akteure beteiligt.",
        ["number", "title", "typical_wording", "explanation", "keywords"],
    )


def test_clause_edit_page_stores_a_version_with_author_and_changed_fields(client, organiser):
    clause = clause_create(number=4, title="Beteiligung", typical_wording="Alt.", author=organiser)
    colleague = UserFactory(full_name="Karl Kollege")
    SeriesFactory(organisers=[colleague])
    client.force_login(colleague)

    client.post(
        reverse("clauses:clause_edit", kwargs={"number": 4}),
        {"number": "4", "title": "Beteiligung", "typical_wording": "Neu.", "explanation": "", "keywords": ""},
    )

    latest = clause.revisions.order_by("-revision").first()
    assert (latest.revision, latest.author, latest.changed_fields, latest.typical_wording) == (
        2,
        colleague,
        ["typical_wording"],
        "Neu.",
    )
    assert Clause.objects.get(pk=clause.pk).typical_wording == "Neu."


def test_clause_edit_page_shows_every_version_with_who_and_before_after(client, organiser):
    clause = clause_create(number=4, title="Beteiligung", typical_wording="Alte Fassung.", author=organiser)
    clause_update(clause=clause, author=organiser, typical_wording="Neue Fassung.")
    client.force_login(organiser)

    response = client.get(reverse("clauses:clause_edit", kwargs={"number": 4}))

    content = response.content.decode()
    [newest, first] = response.context["revisions"]
    assert ([c.name for c in newest.changes], newest.changes[0].before, newest.changes[0].after) == (
        ["typical_wording"],
        "Alte Fassung.",
        "Neue Fassung.",
    )
    assert len(first.changes) == 5
    assert '<del class="revision-before">Alte Fassung.</del> <ins class="revision-after">Neue Fassung.</ins>' in content
    assert content.count("Olga Organisatorin") >= 2


def test_clause_update_without_a_change_stores_no_version(organiser):
    clause = clause_create(number=4, title="Beteiligung", author=organiser)

    clause_update(clause=clause, author=organiser, title=" Beteiligung ")

    assert clause.revisions.count() == 1


def test_clause_update_of_a_clause_without_versions_keeps_its_old_state_first(organiser):
    clause = ClauseFactory(number=5, title="Ohne Verlauf", typical_wording="Früher.")

    clause_update(clause=clause, author=organiser, typical_wording="Heute.")

    assert list(clause.revisions.order_by("revision").values_list("typical_wording", "author")) == [
        ("Früher.", None),
        ("Heute.", organiser.pk),
    ]


def test_clause_edit_duplicate_number_is_refused_next_to_the_field_keeping_the_input(client, organiser):
    clause_create(number=4, title="Beteiligung", author=organiser)
    clause_create(number=5, title="Aktualisierung", author=organiser)
    client.force_login(organiser)

    response = client.post(
        reverse("clauses:clause_edit", kwargs={"number": 5}),
        {"number": "4", "title": "Aktualisierung neu", "typical_wording": "", "explanation": "", "keywords": ""},
    )

    assert response.context["form"].errors["number"] == [
        "Es gibt bereits eine Klausel § 4. Bitte wählen Sie eine andere Nummer."
    ]
    assert 'value="Aktualisierung neu"' in response.content.decode()
    assert Clause.objects.get(number=5).title == "Aktualisierung"


def test_clause_create_bad_number_is_a_german_error(client, organiser):
    client.force_login(organiser)

    response = client.post(reverse("clauses:clause_create"), {**CLAUSE, "number": "0"})

    assert response.context["form"].errors["number"] == ["Die Nummer ist eine ganze Zahl ab 1."]
    assert Clause.objects.exists() is False


def test_agenda_create_clause_records_its_author(organiser):
    round_ = RoundFactory(series=SeriesFactory(organisers=[organiser]), status=Round.Status.DRAFT)

    item = agenda_create_clause(round_=round_, number=6, title="Datenräume", author=organiser)

    assert item.clause.revisions.get().author == organiser


def test_clause_page_shows_wording_history_and_the_version_each_round_discussed(client, organiser):
    now = timezone.now()
    clause = clause_create(number=4, title="Beteiligung", typical_wording="Erste Formulierung.", author=organiser)
    ClauseRevision.objects.filter(clause=clause).update(created_at=now - datetime.timedelta(days=200))
    early = RoundFactory(number=1, status=Round.Status.HELD, starts_at=now - datetime.timedelta(days=100))
    AgendaItemFactory(round=early, clause=clause)
    clause_update(clause=clause, author=organiser, typical_wording="Zweite Formulierung.")
    later = RoundFactory(number=2, status=Round.Status.SCHEDULED, starts_at=now + datetime.timedelta(days=10))
    AgendaItemFactory(round=later, clause=clause)

    response = client.get(reverse("rounds:clause_history", kwargs={"number": 4}))

    content = response.content.decode()
    assert "Erste Formulierung." in content and "Zweite Formulierung." in content
    assert "Verlauf der Formulierung (2 Fassungen)" in content
    early_card = content[content.index(f'id="round-{early.pk}"') : content.index(f'id="round-{later.pk}"')]
    later_card = content[content.index(f'id="round-{later.pk}"') :]
    assert "besprochen in Fassung 1" in early_card
    assert "besprochen in Fassung 2" in later_card
    assert "Olga Organisatorin" not in content  # the public page names no organiser


def test_clause_page_shows_a_new_version_although_it_was_cached(client, organiser):
    clause = clause_create(number=4, title="Beteiligung", typical_wording="Vorher.", author=organiser)
    url = reverse("rounds:clause_history", kwargs={"number": 4})
    client.get(url)
    client.get(url)

    clause_update(clause=clause, author=organiser, typical_wording="Nachher.")

    content = client.get(url).content.decode()
    assert "Verlauf der Formulierung (2 Fassungen)" in content
    assert '<blockquote class="quote">Nachher.</blockquote>' in content


def test_library_shows_edit_links_to_organisers_only(client, organiser):
    clause_create(number=4, title="Beteiligung", author=organiser)
    edit = reverse("clauses:clause_edit", kwargs={"number": 4})
    client.force_login(MembershipFactory().user)
    as_representative = client.get(reverse("clauses:library")).content.decode()
    client.force_login(organiser)

    as_organiser = client.get(reverse("clauses:library")).content.decode()

    assert (edit in as_representative, edit in as_organiser) == (False, True)


@pytest.mark.parametrize("name", ["clauses:clause_create", "clauses:clause_edit"])
def test_library_pages_refuse_representatives_and_send_anonymous_to_login(client, organiser, name):
    clause_create(number=4, title="Beteiligung", author=organiser)
    url = reverse(name, kwargs={"number": 4} if name.endswith("edit") else {})
    anonymous = client.get(url)
    client.force_login(MembershipFactory().user)

    get = client.get(url)
    post = client.post(url, {**CLAUSE, "title": "Übernommen"})

    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("account_login"))
    assert (get.status_code, post.status_code) == (403, 403)
    assert Clause.objects.get(number=4).title == "Beteiligung"


def _queries(client, url) -> int:
    client.get(url)  # the session and the reader's flags
    cache.clear()  # measure a render, not a cached fragment
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("name", ["clauses:clause_edit", "rounds:clause_history"])
def test_clause_pages_queries_independent_of_the_number_of_versions(client, organiser, name):
    counts = []
    for number, edits in ((4, 1), (5, 30)):
        clause = clause_create(number=number, title="Beteiligung", typical_wording="Fassung 0", author=organiser)
        AgendaItemFactory(round=RoundFactory(status=Round.Status.HELD), clause=clause)
        for edit in range(edits):
            clause_update(clause=clause, author=UserFactory(), typical_wording=f"Fassung {edit + 1}")
        client.force_login(organiser)
        counts.append(_queries(client, reverse(name, kwargs={"number": number})))

    assert counts[0] == counts[1]
