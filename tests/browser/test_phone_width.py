"""Phones: at 375 × 800 no page of the organiser's and the representative's main journeys scrolls
sideways as a whole, even with a very long organisation and person name; tables scroll in their own
container and long names wrap. axe still finds nothing serious at that width."""

import pytest
from django.urls import reverse

from clauses.models import Position
from participants.models import Organisation, User
from rounds.models import FollowUpReport, Invitation, Round
from tests.browser.arrange import demo_with_round_three_ahead
from tests.browser.conftest import login
from tests.browser.test_accessibility import DUPLICATE_IDS, SERIES, axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_ORGANISATION = (
    "Zweckverband Digitalisierungsinfrastrukturentwicklungsgesellschaft für die Metropolregion "
    "Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft mbH & Co. KG"
)
LONG_PERSON = "Maximiliane-Friederike Wilhelmine von Hohenzollern-Sigmaringen-Schwarzenbergerhausen"
LONG_EMAIL = "maximiliane.friederike.von.hohenzollern-sigmaringen@digitalisierungsinfrastruktur.example"
WIDTH, HEIGHT = 375, 800


def _long_names() -> None:
    """Jena's organisation and representative get very long names and a long address (saved one by one, so
    every cached page that shows them is rebuilt)."""
    organisation = Organisation.objects.get(slug="jena")
    organisation.name = LONG_ORGANISATION
    organisation.save()
    person = User.objects.get(email="jena@example.org")
    person.full_name = LONG_PERSON
    person.save()
    guest = User.objects.create_user(email=LONG_EMAIL, password="austausch", full_name=LONG_PERSON + " II")
    Invitation.objects.create(round=Round.objects.get(series__slug=SERIES, number=3), user=guest)


def _round(number: int) -> int:
    return Round.objects.get(series__slug=SERIES, number=number).pk


def _report() -> int:
    return FollowUpReport.objects.filter(status=FollowUpReport.Status.PUBLISHED).order_by("pk").first().pk


JOURNEYS = {
    "organiser": (
        "orga@example.org",
        [
            ("home", {}),
            ("orga:dashboard", {}),
            ("orga:series_detail", {"slug": SERIES}),
            ("orga:round_detail", {"pk": lambda: _round(3)}),
            ("orga:invitations", {"pk": lambda: _round(3)}),
            ("orga:agenda", {"pk": lambda: _round(3)}),
            ("orga:round_detail", {"pk": lambda: _round(2)}),
            ("orga:attendance", {"pk": lambda: _round(2)}),
            ("orga:notes", {"pk": lambda: _round(2)}),
            ("orga:report", {"pk": lambda: _round(2)}),
            ("report_detail", {"pk": _report}),
            ("rounds:discussion", {"round_pk": lambda: _round(2), "number": 4}),
            ("clauses:matrix", {}),
            ("rounds:clause_history", {"number": 4}),
            ("participants:organisation_list", {}),
            ("orga:organisation_detail", {"slug": "jena"}),
            ("participants:profile", {}),
        ],
    ),
    "representative": (
        "jena@example.org",
        [
            ("home", {}),
            ("rounds:my_rounds", {}),
            ("rounds:round_detail", {"pk": lambda: _round(3)}),
            ("rounds:round_detail", {"pk": lambda: _round(2)}),
            ("rounds:discussion", {"round_pk": lambda: _round(2), "number": 4}),
            ("rounds:discussion", {"round_pk": lambda: _round(3), "number": 1}),
            ("report_detail", {"pk": _report}),
            ("clauses:matrix", {}),
            ("rounds:clause_history", {"number": 4}),
            ("clauses:our_positions", {}),
            ("clauses:position_edit", {"number": 4}),
            ("participants:strategy", {}),
            ("participants:profile", {}),
        ],
    ),
}

PAGE_WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"
# The widest element that sticks out of the window, to name the culprit when a page is too wide.
WIDEST = """() => {
  let worst = null;
  for (const element of document.body.querySelectorAll("*")) {
    const right = element.getBoundingClientRect().right;
    if (right > window.innerWidth + 1 && (!worst || right > worst.right)) {
      worst = {right, tag: element.tagName, cls: element.className, text: (element.textContent || "").slice(0, 60)};
    }
  }
  return worst;
}"""


@pytest.mark.parametrize("role", list(JOURNEYS))
def test_main_journey_pages_do_not_scroll_sideways_at_phone_width(page, role):
    demo_with_round_three_ahead()
    _long_names()
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    email, pages = JOURNEYS[role]
    login(page, email)
    too_wide, findings = [], []

    for url_name, kwargs in pages:
        url = reverse(url_name, kwargs={key: value() if callable(value) else value for key, value in kwargs.items()})
        response = page.goto(url)
        assert response.ok, f"{url}: {response.status}"
        scroll_width, inner_width = page.evaluate(PAGE_WIDTH)
        if scroll_width > inner_width:
            too_wide.append((url, scroll_width, page.evaluate(WIDEST)))
        violations = axe_violations(page)
        if violations:
            findings.append(f"{url}:\n{describe(violations)}")
        assert page.evaluate(DUPLICATE_IDS) == [], f"duplicate ids on {url}"

    assert not too_wide, "\n".join(map(str, too_wide))
    assert not findings, "\n".join(findings)


def test_long_names_appear_on_the_checked_pages():
    """The arrangement really puts the long names where the journeys look (else the width test proves little)."""
    demo_with_round_three_ahead()
    _long_names()

    assert Position.objects.filter(strategy__organisation__name=LONG_ORGANISATION).exists()
    assert Invitation.objects.filter(user__full_name=LONG_PERSON, round__number=3).exists()
