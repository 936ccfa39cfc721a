"""The agenda page of a proposed draft: a refused submit of the suggestions shows its error in place (htmx, 422),
and the ticked suggestions then land on the agenda."""

import datetime
import re

import pytest
from django.db.models import Max
from django.utils import timezone
from playwright.sync_api import expect

from clauses.models import Clause
from demo.data import load_demo_data
from rounds.models import Round, Series
from tests.browser.conftest import login
from tests.factories import RoundFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_organiser_ticks_agenda_suggestions_of_a_draft(page):
    load_demo_data()
    series = Series.objects.get(slug="klauseln-smart-city-strategien")
    clause = Clause.objects.create(number=40, title="Digitale Zwillinge der Stadt")
    number = series.rounds.aggregate(n=Max("number"))["n"] + 1
    draft = RoundFactory(
        series=series, number=number, status=Round.Status.DRAFT, starts_at=timezone.now() + datetime.timedelta(days=60)
    )
    login(page, "orga@example.org")
    page.goto(f"/orga/runden/{draft.pk}/tagesordnung/")

    suggestions = page.locator("#agenda-suggestions")
    suggestions.get_by_role("button", name="Angekreuzte auf die Tagesordnung").click()
    expect(suggestions.locator("#vorschlag-errors")).to_have_text("Bitte kreuzen Sie mindestens einen Vorschlag an.")
    expect(page.locator("#agenda-list")).to_contain_text("Noch keine Klauseln auf der Tagesordnung.")
    expect(page).to_have_url(re.compile(r"/tagesordnung/$"))  # swapped in place, not a page of its own

    page.locator("#agenda-suggestions").get_by_label("§ 40 Digitale Zwillinge der Stadt").check()
    page.locator("#agenda-suggestions").get_by_role("button", name="Angekreuzte auf die Tagesordnung").click()

    expect(page.locator("#agenda-list h3")).to_have_text(["§\u00a040 Digitale Zwillinge der Stadt"])
    expect(page.get_by_text("Auf der Tagesordnung: § 40.")).to_be_visible()
    expect(page.locator("#agenda-suggestions")).not_to_contain_text("Digitale Zwillinge")
    assert list(draft.agenda_items.values_list("clause_id", flat=True)) == [clause.pk]
