"""Acceptance: a new person invited by email to round 3 signs up, accepts, downloads the calendar entry,
discusses § 4 (a comment and a reply), records their organisation's position on § 4 and finds it in the matrix."""

import datetime
import re
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from playwright.sync_api import expect

from clauses.models import Clause
from demo.data import load_demo_data
from participants.models import AccountInvitation, Organisation, User
from rounds.models import AgendaItem, Comment, Invitation, Round
from tests.factories import CommentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _arrange_round_three() -> tuple[str, Round]:
    load_demo_data()
    round_ = Round.objects.get(number=3)
    round_.starts_at = timezone.now() + datetime.timedelta(days=5)
    round_.ends_at = round_.starts_at + datetime.timedelta(hours=2)
    round_.status = Round.Status.INVITED
    round_.save()
    clause = Clause.objects.get(number=4)
    item = AgendaItem.objects.create(round=round_, clause=clause, order=1)
    jena = Organisation.objects.get(slug="jena")
    bamberg = User.objects.get(email="bamberg@example.org")
    Invitation.objects.create(round=round_, user=bamberg, organisation=bamberg.organisations.first())
    CommentFactory(
        agenda_item=item,
        author=bamberg,
        organisation=bamberg.organisations.first(),
        body="Wie habt ihr die IHK gewonnen?",
    )
    newcomer = User.objects.create(email="neu@jena.example.org", password=make_password(None))
    AccountInvitation.objects.create(user=newcomer, organisation=jena, token="einladung-runde-3")
    Invitation.objects.create(round=round_, user=newcomer, organisation=jena)
    return "/einladung/einladung-runde-3/", round_


def test_new_representative_signs_up_accepts_discusses_and_compares(page):
    signup_path, round_ = _arrange_round_three()

    # Sign up through the invitation link.
    page.goto(signup_path)
    page.get_by_label("Ihr Name").fill("Nora Neu")
    page.get_by_label("Passwort", exact=True).fill("Smart-City-Jena-2026")
    page.get_by_label("Passwort wiederholen").fill("Smart-City-Jena-2026")
    page.get_by_role("button", name="Konto einrichten").click()
    expect(page.locator(".site-nav__user")).to_have_text("Nora Neu")

    # Accept round 3 and download the calendar entry.
    page.get_by_role("link", name=re.compile("Runde 3")).first.click()
    expect(page.get_by_role("link", name="https://konferenz.example.org/strategie-austausch")).to_have_count(0)
    page.get_by_role("button", name="Zusagen").click()
    expect(page.locator(".online-link")).to_have_text("https://konferenz.example.org/strategie-austausch")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Termin in den Kalender übernehmen (.ics)").click()
    ics = Path(download_info.value.path()).read_text()
    assert "BEGIN:VCALENDAR" in ics
    assert f"UID:{round_.calendar_uid}" in ics

    # Comment on § 4 (anonymised) without a page reload.
    page.get_by_role("link", name=re.compile("Zur Diskussion")).click()
    page.evaluate("window.__samePage = true")
    page.get_by_label("Ihr Beitrag").fill("Wir haben **Bürgerwerkstätten** genutzt.")
    page.get_by_label("nur anonymisiert verwendbar").check()
    page.get_by_role("button", name="Beitrag veröffentlichen").click()
    expect(page.locator(".comment__text strong", has_text="Bürgerwerkstätten")).to_be_visible()
    assert page.evaluate("window.__samePage") is True

    # Reply to Bamberg's comment.
    bamberg_comment = page.locator("article.comment", has_text="Wie habt ihr die IHK gewonnen?").first
    bamberg_comment.get_by_role("link", name="Antworten").first.click()
    page.get_by_label("Ihre Antwort").fill("Über die Wirtschaftsförderung.")
    page.get_by_role("button", name="Antwort veröffentlichen").click()
    expect(page.locator(".comment__replies", has_text="Über die Wirtschaftsförderung.")).to_be_visible()
    assert page.evaluate("window.__samePage") is True

    comment = Comment.objects.get(author__email="neu@jena.example.org", parent__isnull=True)
    reply = Comment.objects.get(author__email="neu@jena.example.org", parent__isnull=False)
    assert (comment.confidentiality, comment.organisation.slug) == ("anonymised", "jena")
    assert reply.parent.body == "Wie habt ihr die IHK gewonnen?"

    # Record Jena's position on § 4 with a quote.
    page.get_by_role("link", name="Unsere Strategie").click()
    page.get_by_role("link", name="Umsetzung der Klauseln bearbeiten").click()
    page.get_by_role("link", name="§ 4 bearbeiten").click()
    page.get_by_label("enthalten", exact=True).check()
    page.get_by_label("Zitat aus der Strategie").fill("Wir beteiligen Wissenschaft, Wirtschaft und Zivilgesellschaft.")
    page.get_by_label("Seite").fill("17")
    page.get_by_role("button", name="Umsetzung speichern").click()
    expect(page.locator(".messages")).to_contain_text("Die Umsetzung von § 4 ist gespeichert.")

    # Find it in the comparison matrix and open the quote.
    page.get_by_role("link", name="Vergleich", exact=True).click()
    cell = page.get_by_role("link", name="Stadt Jena, § 4: enthalten")
    expect(cell).to_have_text("enthalten")
    cell.click()
    expect(page.locator("#quote-panel")).to_contain_text(
        "Wir beteiligen Wissenschaft, Wirtschaft und Zivilgesellschaft."
    )
    expect(page.locator("#quote-panel")).to_contain_text("Seite 17")
    expect(cell).to_be_visible()  # the quote opened beside the matrix, which stays where it was
    assert page.url.split("?")[0].endswith("/klauseln/vergleich/")
