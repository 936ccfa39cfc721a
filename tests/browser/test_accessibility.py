"""WCAG 2.1 A/AA: axe-core checks every main page logged out, as a representative and as an organiser.

axe is injected through the DevTools protocol (``page.evaluate``), so the page's CSP stays enforced and
any violation of it still fails the test. Only serious and critical findings fail: the moderate and
minor ones of axe are best-practice hints, not WCAG failures.
"""

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clauses.models import Clause
from participants.models import Strategy
from rounds.models import Invitation, Round
from rounds.services.rsvp import rsvp_token
from tests.browser.arrange import demo_with_round_three_ahead
from tests.browser.conftest import login
from tests.factories import SuggestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
FAILING_IMPACTS = {"serious", "critical"}
LOGINS = {"anonymous": None, "representative": "jena@example.org", "organiser": "orga@example.org"}
SERIES = "klauseln-smart-city-strategien"


def axe_violations(page) -> list[dict]:
    """The serious and critical WCAG 2.1 A/AA violations axe finds on the current page."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    results = page.evaluate("options => window.axe.run(document, options)", AXE_OPTIONS)
    return [violation for violation in results["violations"] if violation["impact"] in FAILING_IMPACTS]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {' '.join(map(str, node['target']))}" for node in violation["nodes"])
    return "\n".join(lines)


# axe 4.11 no longer reports duplicate ids (WCAG 2.2 dropped 4.1.1); labels, aria references and the
# error summary's links still need every id to be unique.
DUPLICATE_IDS = """() => {
  const seen = new Map();
  for (const element of document.querySelectorAll("[id]")) { seen.set(element.id, (seen.get(element.id) || 0) + 1); }
  return [...seen].filter(([, count]) => count > 1).map(([id]) => id);
}"""


def assert_no_violations(page) -> None:
    violations = axe_violations(page)
    if violations:
        pytest.fail(f"axe on {page.url}:\n{describe(violations)}", pytrace=False)
    assert page.evaluate(DUPLICATE_IDS) == [], f"duplicate ids on {page.url}"


@dataclass(frozen=True)
class DemoRound:
    """A URL argument filled in once the demo data is loaded: the pk of the demo round with this number."""

    number: int

    def resolve(self) -> int:
        return Round.objects.get(series__slug=SERIES, number=self.number).pk

    def __str__(self) -> str:
        return f"round{self.number}"


@dataclass(frozen=True)
class AcceptLink:
    """The signed "accept" link from the invitation email of Jena's representative to round 3."""

    def resolve(self) -> str:
        invitation = Invitation.objects.get(round__series__slug=SERIES, round__number=3, user__email="jena@example.org")
        return rsvp_token(invitation=invitation, answer="accept")

    def __str__(self) -> str:
        return "accept"


PAGES = [
    ("anonymous", "home", {}),
    ("anonymous", "account_login", {}),
    ("anonymous", "account_reset_password", {}),
    ("anonymous", "clauses:library", {}),
    ("anonymous", "rounds:clause_history", {"number": 4}),
    ("anonymous", "imprint", {}),
    ("anonymous", "privacy", {}),
    ("anonymous", "accessibility", {}),
    ("anonymous", "rounds:open_data", {}),
    ("representative", "rounds:my_rounds", {}),
    ("representative", "rounds:round_detail", {"pk": DemoRound(2)}),
    ("representative", "rounds:round_detail", {"pk": DemoRound(3)}),
    ("representative", "rounds:discussion", {"round_pk": DemoRound(2), "number": 4}),
    ("representative", "rounds:discussion", {"round_pk": DemoRound(3), "number": 1}),
    ("representative", "clauses:library", {}),
    ("representative", "clauses:matrix", {}),
    ("representative", "clauses:our_positions", {}),
    ("representative", "clauses:our_suggestions", {}),
    ("representative", "clauses:position_edit", {"number": 4}),
    ("representative", "participants:strategy", {}),
    ("representative", "participants:profile", {}),
    ("representative", "my_data", {}),
    ("representative", "rounds:rsvp_link", {"signed": AcceptLink()}),
    ("organiser", "orga:dashboard", {}),
    ("organiser", "orga:series_detail", {"slug": SERIES}),
    ("organiser", "orga:round_detail", {"pk": DemoRound(2)}),
    ("organiser", "orga:round_detail", {"pk": DemoRound(3)}),
    ("organiser", "orga:agenda", {"pk": DemoRound(3)}),
    ("organiser", "orga:invitations", {"pk": DemoRound(3)}),
    ("organiser", "orga:attendance", {"pk": DemoRound(2)}),
    ("organiser", "orga:notes", {"pk": DemoRound(2)}),
    ("organiser", "orga:report", {"pk": DemoRound(1)}),
    ("organiser", "participants:organisation_list", {}),
    ("organiser", "orga:organisation_detail", {"slug": "jena"}),
    ("organiser", "participants:organisation_create", {}),
    ("organiser", "participants:organisation_edit", {"slug": "jena"}),
    ("organiser", "participants:organisation_merge", {"slug": "jena"}),
    ("organiser", "participants:organisation_delete", {"slug": "jena"}),
    ("organiser", "clauses:library", {}),
    ("organiser", "clauses:clause_create", {}),
    ("organiser", "clauses:clause_edit", {"number": 4}),
    ("organiser", "rounds:clause_history", {"number": 4}),
    ("organiser", "orga:series_edit", {"slug": SERIES}),
    ("organiser", "orga:round_create", {"slug": SERIES}),
    ("organiser", "orga:series_create", {}),
]


def _url(url_name: str, kwargs: dict) -> str:
    resolved = {
        key: value.resolve() if isinstance(value, DemoRound | AcceptLink) else value for key, value in kwargs.items()
    }
    return reverse(url_name, kwargs=resolved)


def _page_id(role: str, url_name: str, kwargs: dict) -> str:
    arguments = ",".join(f"{key}={value}" for key, value in kwargs.items())
    return f"{role}-{url_name}" + (f"({arguments})" if arguments else "")


@pytest.mark.parametrize(("role", "url_name", "kwargs"), PAGES, ids=[_page_id(*entry) for entry in PAGES])
def test_page_has_no_serious_accessibility_violation(page, role, url_name, kwargs):
    demo_with_round_three_ahead()
    url = _url(url_name, kwargs)
    if LOGINS[role]:
        login(page, LOGINS[role])

    response = page.goto(url)

    assert response.ok, f"{url}: {response.status}"
    assert_no_violations(page)


ERROR_LINKS = """() => {
  const summary = document.querySelector(".error-summary");
  const links = [...summary.querySelectorAll("a[href^='#']")].map(link => link.getAttribute("href").slice(1));
  const invalid = [...document.querySelectorAll("[aria-invalid=true]")].map(field => ({
    id: field.id,
    described: (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean).map(id => {
      const element = document.getElementById(id);
      return element ? {id, error: element.classList.contains("kern-error"), text: element.textContent.trim()} : {id};
    }),
  }));
  return {focused: document.activeElement === summary, links, missing: links.filter(id => !document.getElementById(id)), invalid};
}"""


def test_form_errors_are_summarised_linked_and_accessible(page):
    demo_with_round_three_ahead()
    login(page, "orga@example.org")
    page.goto(reverse("orga:series_create"))

    page.get_by_label("übliche Uhrzeit").fill("")
    page.get_by_role("button", name="Reihe anlegen").click()

    expect(page.locator(".error-summary")).to_be_visible()
    state = page.evaluate(ERROR_LINKS)
    assert state["focused"] is True
    assert state["links"] == ["id_title", "id_default_start_time"]
    assert state["missing"] == []
    assert [invalid["id"] for invalid in state["invalid"]] == ["id_title", "id_default_start_time"]
    for invalid in state["invalid"]:
        errors = [described for described in invalid["described"] if described.get("error")]
        assert [error["id"] for error in errors] == [f"{invalid['id']}_error"], invalid
        assert errors[0]["text"], invalid
    assert_no_violations(page)

    # From the summary, Tab and Enter put the cursor into the field.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#id_title")).to_be_focused()


def test_english_home_has_language_en_and_no_serious_accessibility_violation(page):
    demo_with_round_three_ahead()
    page.goto("/")

    page.locator(".language-switch").get_by_role("button", name="EN").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_no_violations(page)


def test_report_pages_and_archive_have_no_serious_accessibility_violation(page):
    from django.utils import timezone

    from rounds.models import FollowUpReport, Series
    from rounds.services.reports import report_render_html

    demo_with_round_three_ahead()
    Series.objects.filter(slug=SERIES).update(report_visibility=Series.ReportVisibility.PUBLIC)
    round_ = Round.objects.get(series__slug=SERIES, number=2)
    FollowUpReport.objects.create(
        round=round_, version=1, status=FollowUpReport.Status.SUPERSEDED, published_at=timezone.now()
    )
    latest = FollowUpReport.objects.create(
        round=round_, version=2, status=FollowUpReport.Status.PUBLISHED, published_at=timezone.now()
    )
    for report in FollowUpReport.objects.filter(round=round_):
        report.html = report_render_html(report=report, built_at=timezone.now())
        report.save(update_fields=["html"])

    for url in (
        reverse("report_archive"),
        reverse("report_version", kwargs={"round_pk": round_.pk, "version": 1}),
        reverse("report_version", kwargs={"round_pk": round_.pk, "version": latest.version}),
    ):
        response = page.goto(url)
        assert response.ok, f"{url}: {response.status}"
        assert_no_violations(page)
    expect(page.locator("h1")).to_have_text("Klauseln der Smart-City-Strategien – Runde 2")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_suggestions_with_passages_have_no_serious_accessibility_violation(page):
    demo_with_round_three_ahead()
    strategy = Strategy.objects.filter(organisation__slug="jena").order_by("-pk").first()
    Strategy.objects.filter(pk=strategy.pk).update(text_state=Strategy.TextState.DONE, text_page_count=3)
    answered = set(strategy.positions.values_list("clause_id", flat=True))
    clause = Clause.objects.exclude(pk__in=answered).order_by("number").first()
    SuggestionFactory(strategy=strategy, clause=clause, rank=1)
    SuggestionFactory(strategy=strategy, clause=clause, rank=2)
    login(page, "jena@example.org")

    page.goto(reverse("clauses:our_suggestions"))

    expect(page.get_by_role("button", name="verwerfen").first).to_be_visible()


@pytest.mark.parametrize("role", ["anonymous", "organiser"])
def test_search_results_have_no_serious_accessibility_violation(page, role):
    demo_with_round_three_ahead()
    if LOGINS[role]:
        login(page, LOGINS[role])
    page.goto("/")

    page.get_by_role("searchbox", name="Suchbegriffe").first.fill("Beteiligung Akteure")
    page.get_by_role("search").first.get_by_role("button", name="Suchen").click()

    expect(page.locator(".search-result").first).to_be_visible()
    assert_no_violations(page)


def test_search_with_a_bad_filter_has_no_serious_accessibility_violation(page):
    demo_with_round_three_ahead()

    page.goto(reverse("search") + "?q=Beteiligung&state=XX")

    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_violations(page)
