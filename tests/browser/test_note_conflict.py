"""A meeting note open in two browser windows: the autosave of the second shows the conflict at once,
with both versions and a choice, and no text is lost."""

import pytest
from playwright.sync_api import expect

from demo.data import load_demo_data
from rounds.models import MeetingNote, Round
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT_A = "Jena berichtet: Beteiligung über ein offenes Stadtlabor."
TEXT_B = "Bamberg ergänzt: Bürgerräte zu jeder Fortschreibung."


def _window(browser, live_server, problems: list[str]):
    context = browser.new_context(base_url=live_server.url, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    login(page, "orga@example.org")
    return context, page


def test_note_open_in_two_windows_shows_conflict_at_once_and_loses_no_text(browser, live_server):
    load_demo_data()
    round_ = Round.objects.get(series__slug="klauseln-smart-city-strategien", number=2)
    note = MeetingNote.objects.filter(round=round_, agenda_item__isnull=False).order_by("pk").first()
    original, slot = note.body, f"n{note.pk}"
    problems: list[str] = []
    (context_a, a), (context_b, b) = _window(browser, live_server, problems), _window(browser, live_server, problems)
    try:
        for page in (a, b):
            page.goto(f"/orga/runden/{round_.pk}/notizen/")

        # Window A saves first.
        field_a = a.locator(f"#id_{slot}-body")
        field_a.fill("")
        field_a.press_sequentially(TEXT_A, delay=5)
        field_a.press("Tab")
        expect(a.locator(f"#{slot}-status")).to_contain_text("Gespeichert")

        # Window B still shows the older version; its autosave (no click on "Jetzt speichern") meets the conflict.
        field_b = b.locator(f"#id_{slot}-body")
        field_b.press("End")
        field_b.press_sequentially(" " + TEXT_B, delay=5)
        conflict = b.locator(f"#{slot}-status .note__conflict")
        expect(conflict).to_be_visible()
        expect(conflict).to_contain_text("in einem anderen Fenster geändert")
        expect(conflict.locator("[data-version=mine]")).to_contain_text(TEXT_B)
        expect(conflict.locator("[data-version=theirs]")).to_have_text(TEXT_A)
        expect(b.locator(f"#{slot}-status")).not_to_contain_text("Ungespeicherte Änderungen")
        assert MeetingNote.objects.get(pk=note.pk).body == TEXT_A

        # B merges by hand: both versions land in the field; B tidies up and the merged text is saved.
        conflict.get_by_role("button", name="Von Hand zusammenführen").click()
        field_b = b.locator(f"#id_{slot}-body")
        expect(field_b).to_have_value(
            f"{TEXT_A}\n\n––––– Ihre Fassung –––––\n{original.strip()} {TEXT_B}".replace("\n\n\n", "\n\n")
        )
        expect(b.locator(f"#{slot}-status")).to_contain_text("Beide Fassungen stehen jetzt im Feld")
        field_b.fill(f"{TEXT_A} {TEXT_B}")
        field_b.press("Tab")
        expect(b.locator(f"#{slot}-status")).to_contain_text("Gespeichert")
        assert MeetingNote.objects.get(pk=note.pk).body == f"{TEXT_A} {TEXT_B}"

        # A types on without reloading: A now meets B's save and takes the stored version.
        field_a.press_sequentially(" Noch ein Satz.", delay=5)
        conflict_a = a.locator(f"#{slot}-status .note__conflict")
        expect(conflict_a.locator("[data-version=theirs]")).to_have_text(f"{TEXT_A} {TEXT_B}")
        conflict_a.get_by_role("button", name="Gespeicherte Fassung übernehmen").click()
        expect(a.locator(f"#id_{slot}-body")).to_have_value(f"{TEXT_A} {TEXT_B}")
        expect(a.locator(f"#{slot}-status")).to_contain_text("Ihre verworfene Fassung")

        stored = MeetingNote.objects.get(pk=note.pk)
        history = list(stored.revisions.order_by("version").values_list("body", flat=True))
        assert stored.body == f"{TEXT_A} {TEXT_B}"
        assert TEXT_A in history and f"{TEXT_A} {TEXT_B}" in history
        assert problems == []
    finally:
        context_a.close()
        context_b.close()
