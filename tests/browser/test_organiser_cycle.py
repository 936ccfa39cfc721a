"""Acceptance: an organiser runs one round of the demo series through its whole cycle in the browser."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from clauses.models import Clause
from demo.data import load_demo_data
from participants.models import AccountInvitation
from rounds.models import AgendaItem, Invitation, MeetingNote, Round
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BERLIN = ZoneInfo("Europe/Berlin")
QUESTION = "Wer betreibt die Datenplattform, wenn die Förderung endet?"
FINDING = "Gemeinsame **Datenstandards** sparen jeder Kommune eigene Ausschreibungen."


def _type_note(page, slot: str, text: str) -> None:
    field = page.locator(f"#id_{slot}-body")
    field.click()
    field.press_sequentially(text, delay=5)
    field.press("Tab")
    expect(page.locator(f"#{slot}-status")).to_contain_text("Gespeichert")


def test_organiser_runs_round_four_from_creation_to_published_report(page):
    load_demo_data()
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=BERLIN), tick=True) as traveller:
        login(page, "orga@example.org")

        # Create round 4: number and date come from the series; the open question of round 2 is offered.
        page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
            "link", name="Organisation", exact=True
        ).click()
        page.get_by_role("link", name="Klauseln der Smart-City-Strategien", exact=True).first.click()
        page.get_by_role("link", name="Neue Runde").click()
        expect(page.get_by_label("Datum")).to_have_value("2027-04-13")
        expect(page.get_by_text("Wie erreichen wir die Zivilgesellschaft", exact=False)).to_be_visible()
        page.get_by_label("Titel").fill("Rückblick und offene Daten")
        page.get_by_role("button", name="Runde anlegen").click()
        expect(page.locator("h1")).to_contain_text("Runde 4")
        round_ = Round.objects.get(series__slug="klauseln-smart-city-strategien", number=4)

        # Agenda: § 4 came as carry-over; add § 1 from the library by search, create § 7 in place, reorder.
        search = page.get_by_label("In der Bibliothek suchen (Nummer oder Titel)")
        search.fill("Einfügung")
        search.press("Enter")
        page.locator("#search-results").get_by_role("button", name="hinzufügen – § 1").click()
        page.get_by_label("Nummer (§)").fill("7")
        page.get_by_label("Titel", exact=True).fill("Offene Daten und urbane Datenplattformen")
        page.get_by_role("button", name="Anlegen und hinzufügen").click()
        expect(page.locator("#agenda-list h3")).to_have_count(3)
        page.get_by_role("button", name="nach oben – § 7").click()
        expect(page.locator("#agenda-list h3").nth(1)).to_contain_text("§\u00a07")
        page.get_by_role("button", name="Tagesordnung festlegen und Runde planen").click()
        expect(page.locator(".round-header .status")).to_have_text("geplant")
        numbers = list(round_.agenda_items.order_by("order").values_list("clause__number", flat=True))
        assert numbers == [4, 7, 1]
        assert Clause.objects.filter(number=7).count() == 1

        # Invitations: two organisations and one new email address; then send.
        page.get_by_role("link", name="Einladungen", exact=True).click()
        page.get_by_label("Stadt Bamberg (1 Person)").check()
        page.get_by_label("Stadt Jena (1 Person)").check()
        page.get_by_role("button", name="Organisationen einladen").click()
        page.get_by_label("E-Mail-Adresse", exact=True).fill("digital@stadt-muenster.example")
        page.locator("#id_email-full_name").fill("Kim Neumann")
        page.locator("#id_email-organisation").select_option(label="Stadt Münster")
        page.get_by_role("button", name="Einladen", exact=True).click()
        expect(page.locator("#invitation-table [data-state=pending]")).to_have_count(3)
        page.get_by_role("button", name="Einladungen versenden").click()
        expect(page.locator("#invitation-table [data-state=sent]")).to_have_count(3)
        expect(page.locator("#invitation-table")).to_contain_text("noch ohne Konto")
        assert AccountInvitation.objects.filter(user__email="digital@stadt-muenster.example").count() == 1

        Invitation.objects.filter(round=round_, user__email="bamberg@example.org").update(rsvp="accepted")
        Invitation.objects.filter(round=round_, user__email="jena@example.org").update(rsvp="declined")
        page.reload()
        expect(page.locator("#invitation-table [data-state=accepted]")).to_have_count(1)
        expect(page.locator("#invitation-table [data-state=declined]")).to_have_count(1)
        expect(page.locator("#invitation-table [data-state=open]")).to_have_count(1)

        # The day of the meeting: mark held, record attendance, write notes.
        traveller.move_to(datetime.datetime(2027, 4, 13, 12, 15, tzinfo=BERLIN))
        login(page, "orga@example.org")
        page.goto(f"/orga/runden/{round_.pk}/")
        page.get_by_role("button", name="Als durchgeführt markieren").click()
        expect(page.locator(".round-header .status")).to_have_text("durchgeführt")

        page.get_by_role("link", name="Anwesenheit", exact=True).first.click()
        page.get_by_label(re.compile(r"^Vertretung Bamberg")).check()
        page.get_by_label(re.compile(r"^Kim Neumann")).check()
        page.get_by_role("button", name="Anwesenheit speichern").click()
        expect(page.get_by_text("Anwesenheit gespeichert: 2 Personen.")).to_be_visible()

        page.get_by_role("link", name="Notizen", exact=True).first.click()
        page.wait_for_load_state("load")
        item7 = AgendaItem.objects.get(round=round_, clause__number=7)
        item1 = AgendaItem.objects.get(round=round_, clause__number=1)
        _type_note(page, f"i{item7.pk}", FINDING)
        page.locator(f"#id_i{item7.pk}-is_key_finding").check()
        expect(page.locator(f"#i{item7.pk}-status")).to_contain_text("Version 2")
        expect(page.locator(f"#i{item7.pk}-preview strong")).to_have_text("Datenstandards")
        _type_note(page, f"i{item1.pk}", QUESTION)
        page.locator(f"#id_i{item1.pk}-is_open_question").check()
        expect(page.locator(f"#i{item1.pk}-status")).to_contain_text("Version 2")
        finding = MeetingNote.objects.get(agenda_item=item7)
        question = MeetingNote.objects.get(agenda_item=item1)
        assert (finding.body, finding.is_key_finding) == (FINDING, True)
        assert (question.body, question.is_open_question) == (QUESTION, True)

        # Report: build, see its state, preview, publish.
        page.get_by_role("link", name="Nachbericht", exact=True).first.click()
        page.get_by_role("button", name="Nachbericht erstellen").click()
        expect(page.locator("[data-state=built]")).to_have_count(1, timeout=30_000)
        page.get_by_role("link", name="Vorschau – Version 1").click()
        expect(page.locator(".report-preview")).to_contain_text("Runde 4")
        page.get_by_role("button", name="Veröffentlichen").click()
        expect(page.locator("[data-state=published]")).to_have_count(1)
        expect(page.locator(".round-header .status")).to_have_text("Nachbericht veröffentlicht")

        # The next round offers the open question for the agenda.
        page.get_by_role("link", name="Klauseln der Smart-City-Strategien", exact=True).first.click()
        page.get_by_role("link", name="Neue Runde").click()
        offered = page.get_by_label(re.compile(r"^Runde 4, § 1 .*Datenplattform"))
        expect(offered).to_be_checked()
