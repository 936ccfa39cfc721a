"""Acceptance: an organiser records a series as it really happened, through the UI only.

The kick-off round of June 2021 with three clauses and five organisations – one new in the directory, one
a duplicate that the directory warns about and that is merged into the original –, attendance, notes with
key findings and a published report; then the round after it. Afterwards the returning organisation's
page shows both rounds, and the public archive and its feed list the report. Arranged through factories
are only the organiser, the clause library, the series and four organisations with their representatives.
"""

import re
import xml.etree.ElementTree as ET  # nosec B405 - the feed of the app's own test server

import pytest
from playwright.sync_api import expect

from clauses.services import clause_create
from participants.models import Organisation, OrganisationMerge
from rounds.models import AgendaItem, FollowUpReport, Invitation, Round, Series
from tests.browser.conftest import login
from tests.browser.test_accessibility import assert_no_violations
from tests.factories import MembershipFactory, OrganisationFactory, SeriesFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIES = "Klauseln der Smart-City-Strategien"
CLAUSES = {
    1: "Einfügung in bestehende Stadtentwicklung",
    2: "Stützung auf übergeordnete Strategiepapiere",
    3: "Aktualisierungszyklen der Smart City-Strategien",
}
FINDINGS = {
    1: "Das **ISEK** bleibt der Rahmen, in den sich die Strategie einfügt.",
    2: "Die Smart City Charta dient allen als gemeinsamer Bezugspunkt.",
}
ATOM = "{http://www.w3.org/2005/Atom}"


def _arrange():
    organiser = UserFactory(email="orga@example.org", full_name="Olga Organisatorin")
    for number, title in CLAUSES.items():
        clause_create(number=number, title=title, author=organiser)
    SeriesFactory(
        title=SERIES,
        slug="klauseln-smart-city-strategien",
        organisers=[organiser],
        report_visibility=Series.ReportVisibility.PUBLIC,
    )
    people = {
        ("Stadt Bamberg", "stadt-bamberg", Organisation.Kind.CITY, "BY"): "Vertretung Bamberg",
        ("Stadt Jena", "stadt-jena", Organisation.Kind.CITY, "TH"): "Vertretung Jena",
        ("Stadt Münster", "stadt-muenster", Organisation.Kind.CITY, "NW"): "Vertretung Münster",
        ("EDAG Group", "edag-group", Organisation.Kind.COMPANY, "HE"): "Vertretung EDAG",
    }
    for (name, slug, kind, state), person in people.items():
        organisation = OrganisationFactory(name=name, slug=slug, kind=kind, state=state, place=name.split()[-1])
        MembershipFactory(organisation=organisation, user=UserFactory(full_name=person, email=f"{slug}@example.org"))


def _type_note(page, slot: str, text: str) -> None:
    field = page.locator(f"#id_{slot}-body")
    field.click()
    field.press_sequentially(text, delay=2)
    field.press("Tab")
    expect(page.locator(f"#{slot}-status")).to_contain_text("Gespeichert")


def _record_round(page, *, number: str, date: str, title: str) -> Round:
    _open_dashboard(page)
    page.get_by_role("link", name=SERIES, exact=True).first.click()
    page.get_by_role("link", name="Vergangene Runde erfassen").click()
    assert_no_violations(page)
    page.get_by_label("Titel").fill(title)
    page.get_by_label("Datum").fill(date)
    page.get_by_label("Beginn").fill("10:00")
    page.get_by_label("Ende").fill("12:00")
    page.get_by_role("button", name="Runde erfassen").click()
    expect(page.get_by_text(f"Runde {number} ist nachträglich erfasst.")).to_be_visible()
    return Round.objects.get(series__title=SERIES, number=int(number))


def _add_to_agenda(page, number: int) -> None:
    search = page.get_by_label("In der Bibliothek suchen (Nummer oder Titel)")
    search.fill(str(number))
    search.press("Enter")
    page.locator("#search-results").get_by_role("button", name=f"hinzufügen – § {number}").click()
    expect(page.locator("#agenda-list")).to_contain_text(CLAUSES[number])


def _open_dashboard(page) -> None:
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Organisation", exact=True).click()


def _open_directory(page) -> None:
    _open_dashboard(page)
    page.get_by_role("link", name="Organisationen und Personen").click()


def _directory_create(page, *, name: str, kind: str, place: str) -> None:
    _open_directory(page)
    page.get_by_role("link", name="Neue Organisation").click()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Art").select_option(kind)
    page.get_by_label("Ort").fill(place)
    page.get_by_role("button", name="Organisation anlegen").click()


def _record_without_account(page, *, email: str, name: str, organisation: str) -> None:
    page.get_by_label("E-Mail-Adresse", exact=True).fill(email)
    page.locator("#id_email-full_name").fill(name)
    page.locator("#id_email-organisation").select_option(label=organisation)
    page.get_by_role("button", name="Eintragen", exact=True).click()
    expect(page.get_by_text("1 Person als anwesend eingetragen.")).to_be_visible()


def test_organiser_records_the_series_from_its_kick_off_in_2021(page):
    _arrange()
    login(page, "orga@example.org")
    expect(page.locator("h1")).to_contain_text("Organisation")  # organisers land on their dashboard

    # The directory: a new organisation, and a duplicate the directory warns about.
    _directory_create(page, name="HafenCity Hamburg GmbH", kind="municipal_company", place="Hamburg")
    expect(page.get_by_role("heading", name="HafenCity Hamburg GmbH", exact=True)).to_be_visible()
    _directory_create(page, name="Jena", kind="city", place="Jena")
    expect(page.get_by_role("heading", name="Diese Organisation gibt es vielleicht schon")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Stadt Jena")
    page.get_by_label("Ich habe die ähnlichen Organisationen geprüft: Es ist eine andere Organisation.").check()
    page.get_by_role("button", name="Organisation anlegen").click()
    expect(page.get_by_role("heading", name="Jena", exact=True)).to_be_visible()

    # The kick-off of June 2021: held from the start, number 1, nobody is mailed.
    kick_off = _record_round(page, number="1", date="2021-06-15", title="Auftakt")
    for number in CLAUSES:
        _add_to_agenda(page, number)
    expect(page.locator("#agenda-list h3")).to_have_count(3)

    # Participants: three organisations with their representatives, two people without an account.
    page.get_by_role("link", name="Einladungen", exact=True).first.click()
    page.get_by_label("Stadt Bamberg (1 Person)").check()
    page.get_by_label("Stadt Münster (1 Person)").check()
    page.get_by_label("EDAG Group (1 Person)").check()
    page.get_by_role("button", name="Organisationen eintragen").click()
    expect(page.get_by_text("3 Personen als anwesend eingetragen.")).to_be_visible()
    _record_without_account(
        page, email="hanna.hafen@hafencity.example", name="Hanna Hafen", organisation="HafenCity Hamburg GmbH"
    )
    _record_without_account(page, email="jo.jena@jena.example", name="Jo Jena", organisation="Jena")
    expect(page.locator("#invitation-table tbody tr")).to_have_count(5)
    assert_no_violations(page)

    # The duplicate is merged into the original, after a preview of what moves.
    _open_directory(page)
    page.get_by_role("link", name="Jena", exact=True).click()
    page.get_by_role("link", name="Zusammenführen").click()
    page.get_by_label("Zusammenführen mit").select_option(label="Stadt Jena")
    page.get_by_role("button", name="Vorschau anzeigen").click()
    expect(page.get_by_role("heading", name="Was von Jena zu Stadt Jena übergeht")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Einladungen")
    page.get_by_role("button", name="Jetzt mit Stadt Jena zusammenführen").click()
    expect(page.get_by_text("Jena ist mit Stadt Jena zusammengeführt.")).to_be_visible()

    # Attendance: the representative of Münster was not there after all.
    _open_dashboard(page)
    page.get_by_role("link", name=SERIES, exact=True).first.click()
    page.get_by_role("link", name="Runde 1", exact=True).click()
    page.get_by_role("link", name="Anwesenheit", exact=True).first.click()
    expect(page.get_by_label(re.compile(r"^Jo Jena"))).to_be_checked()
    page.get_by_label(re.compile(r"^Vertretung Münster")).uncheck()
    page.get_by_role("button", name="Anwesenheit speichern").click()
    expect(page.get_by_text("Anwesenheit gespeichert: 4 Personen.")).to_be_visible()
    assert_no_violations(page)
    page.get_by_label(re.compile(r"^Vertretung Münster")).check()
    page.get_by_role("button", name="Anwesenheit speichern").click()
    expect(page.get_by_text("Anwesenheit gespeichert: 5 Personen.")).to_be_visible()

    # Notes with key findings.
    page.get_by_role("link", name="Notizen", exact=True).first.click()
    page.wait_for_load_state("load")
    for number, finding in FINDINGS.items():
        item = AgendaItem.objects.get(round=kick_off, clause__number=number)
        _type_note(page, f"i{item.pk}", finding)
        page.locator(f"#id_i{item.pk}-is_key_finding").check()
        expect(page.locator(f"#i{item.pk}-status")).to_contain_text("Version 2")

    # The report, built from the notes, previewed and published.
    page.get_by_role("link", name="Nachbericht", exact=True).first.click()
    page.get_by_role("button", name="Nachbericht erstellen").click()
    expect(page.locator("[data-state=built]")).to_have_count(1, timeout=30_000)
    page.get_by_role("link", name="Vorschau – Version 1").click()
    preview = page.locator(".report-preview")
    expect(preview).to_contain_text("ISEK")
    for name in ("Stadt Bamberg", "Stadt Jena", "Stadt Münster", "EDAG Group", "HafenCity Hamburg GmbH"):
        expect(preview).to_contain_text(name)
    page.get_by_role("button", name="Veröffentlichen").click()
    expect(page.locator("[data-state=published]")).to_have_count(1)
    expect(page.locator(".round-header .status")).to_have_text("Nachbericht veröffentlicht")

    # The round after it, recorded the same way: Stadt Jena returns with its own representative.
    later = _record_round(page, number="2", date="2021-11-09", title="Beteiligung und Governance")
    _add_to_agenda(page, 1)
    page.get_by_role("link", name="Einladungen", exact=True).first.click()
    page.get_by_label("Stadt Jena (1 Person)").check()
    page.get_by_label("Stadt Bamberg (1 Person)").check()
    page.get_by_role("button", name="Organisationen eintragen").click()
    expect(page.get_by_text("2 Personen als anwesend eingetragen.")).to_be_visible()

    # The returning organisation's page shows both rounds.
    _open_directory(page)
    page.get_by_role("link", name="Stadt Jena", exact=True).click()
    rounds_table = page.get_by_role("table", name="Runden, zu denen die Organisation eingeladen war")
    expect(rounds_table.get_by_role("link", name=f"{SERIES}, Runde 1")).to_be_visible()
    expect(rounds_table.get_by_role("link", name=f"{SERIES}, Runde 2")).to_be_visible()

    # The clause page names the rounds that discussed its (only) version.
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Klauseln", exact=True).click()
    page.get_by_role("link", name=re.compile(r"Einfügung in bestehende Stadtentwicklung")).first.click()
    expect(page.locator("#fassung-1")).to_contain_text(f"Besprochen in: {SERIES} – Runde 1")
    expect(page.locator("#fassung-1")).to_contain_text(f"{SERIES} – Runde 2")

    # The public archive and its feed list the report, for anyone.
    page.context.clear_cookies()
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Nachberichte", exact=True).click()
    entry = page.locator(".report-archive__entry")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text(SERIES)
    expect(entry).to_contain_text("Runde 1: Auftakt")
    expect(entry).to_contain_text("§ 3 Aktualisierungszyklen der Smart City-Strategien")
    expect(entry).to_contain_text("15. Juni 2021")
    expect(entry).to_contain_text("HafenCity Hamburg GmbH")
    assert_no_violations(page)
    feed_url = page.get_by_role("link", name="Als Atom-Feed abonnieren").get_attribute("href")
    feed = page.request.get(feed_url)
    assert (feed_url, feed.ok) == ("/nachberichte/feed/", True)
    entries = ET.fromstring(feed.text()).findall(f"{ATOM}entry")  # nosec B314
    assert [e.findtext(f"{ATOM}title") for e in entries] == [f"{SERIES}, Runde 1"]

    report = FollowUpReport.objects.get(round=kick_off)
    assert report.status == FollowUpReport.Status.PUBLISHED
    assert OrganisationMerge.objects.get().source_name == "Jena"
    participants = set(kick_off.invitations.values_list("organisation__name", flat=True))
    assert participants == {"Stadt Bamberg", "Stadt Jena", "Stadt Münster", "EDAG Group", "HafenCity Hamburg GmbH"}
    assert Invitation.objects.filter(round=kick_off, attended_at__isnull=True).count() == 0
    assert later.invitations.count() == 2
