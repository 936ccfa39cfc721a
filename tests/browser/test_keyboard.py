"""Keyboard only: answering an invitation, posting a comment and reordering the agenda with Tab, Enter and
Space, and keeping focus when htmx replaces the part of the page that holds it.

Every element the Tab key stops at must show its focus (an outline or a box shadow).
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from rounds.models import AgendaItem, Comment, Invitation
from tests.browser.arrange import demo_with_round_three_ahead
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TABS = 80

FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    tag: element.tagName.toLowerCase(),
    id: element.id,
    name: (element.getAttribute("aria-label") || element.textContent || "").trim().replace(/\\s+/g, " "),
    focusKey: element.dataset.focusKey || null,
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
  };
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def assert_focus_visible(page) -> None:
    element = focused(page)
    assert element["outline"] or element["shadow"], f"focus is not visible on {element}"


def tab_to(page, matches) -> dict:
    """Press Tab until ``matches(focused element)``; every stop on the way must show its focus."""
    stops = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        element = focused(page)
        stops.append(element)
        assert element["tag"] != "body", f"focus left the page after {[stop['name'] for stop in stops]}"
        assert element["outline"] or element["shadow"], f"focus is not visible on {element}"
        if matches(element):
            return element
    raise AssertionError(f"not reached with {MAX_TABS} × Tab; stops: {[stop['name'] for stop in stops]}")


def test_invitee_accepts_round_with_keyboard_only(page):
    invitation = demo_with_round_three_ahead()
    login(page, "jena@example.org")
    page.goto(reverse("rounds:round_detail", kwargs={"pk": invitation.round_id}))
    expect(page.locator("aside .rsvp")).to_have_text("offen")

    tab_to(page, lambda element: element["tag"] == "button" and element["name"] == "Zusagen")
    page.keyboard.press("Enter")

    expect(page.locator("aside .rsvp")).to_have_text("zugesagt")
    invitation.refresh_from_db()
    assert invitation.rsvp == Invitation.Rsvp.ACCEPTED


def test_representative_posts_comment_with_keyboard_only(page):
    invitation = demo_with_round_three_ahead()
    login(page, "jena@example.org")
    page.goto(reverse("rounds:discussion", kwargs={"round_pk": invitation.round_id, "number": 1}))
    text = "Unser ISEK ist die Grundlage, per Tastatur geschrieben."

    tab_to(page, lambda element: element["id"] == "id_new_body")
    page.keyboard.type(text)
    tab_to(page, lambda element: element["tag"] == "button" and element["name"] == "Beitrag veröffentlichen")
    page.keyboard.press("Enter")

    expect(page.locator(".comment__text", has_text=text)).to_be_visible()
    comment = Comment.objects.get(body=text)
    assert (comment.author.email, comment.agenda_item.clause.number) == ("jena@example.org", 1)
    # Focus moves to the new comment, not back to the start of the page.
    page.wait_for_function("id => document.activeElement.id === id", arg=f"comment-{comment.pk}")
    assert_focus_visible(page)


def test_organiser_reorders_agenda_with_keyboard_only(page):
    invitation = demo_with_round_three_ahead()
    items = list(AgendaItem.objects.filter(round_id=invitation.round_id).order_by("order"))
    first = items[0]
    login(page, "orga@example.org")
    page.goto(reverse("orga:agenda", kwargs={"pk": invitation.round_id}))
    headings = page.locator("#agenda-list h3")
    expect(headings.first).to_contain_text("§\u00a01")

    tab_to(page, lambda element: element["focusKey"] == f"down-{first.pk}")
    page.keyboard.press("Enter")

    expect(headings.nth(1)).to_contain_text("§\u00a01")
    expect(headings.first).to_contain_text("§\u00a02")
    # The list was replaced; focus stays on the moved clause's button, which can move it further.
    page.wait_for_function("key => document.activeElement.dataset.focusKey === key", arg=f"down-{first.pk}")
    assert_focus_visible(page)

    page.keyboard.press(" ")

    expect(headings.last).to_contain_text("§\u00a01")
    # At the end "move down" is disabled: focus goes to the same clause's "move up" button.
    page.wait_for_function("key => document.activeElement.dataset.focusKey === key", arg=f"up-{first.pk}")
    assert_focus_visible(page)
    order = list(AgendaItem.objects.filter(round_id=invitation.round_id).order_by("order").values_list("pk", flat=True))
    assert order == [items[1].pk, items[2].pk, first.pk]


def test_focus_stays_on_invitation_action_when_table_refreshes(page):
    invitation = demo_with_round_three_ahead()
    login(page, "orga@example.org")
    page.goto(reverse("orga:invitations", kwargs={"pk": invitation.round_id}))
    tab_to(page, lambda element: element["id"] == f"withdraw-{invitation.pk}")

    # What the page's polling does every few seconds: replace the whole table.
    page.evaluate("document.getElementById('invitation-table').dataset.stale = 'true'")
    table_url = reverse("orga:invitations_table", kwargs={"pk": invitation.round_id})
    page.evaluate("url => htmx.ajax('GET', url, {target: '#invitation-table', swap: 'outerHTML'})", table_url)

    expect(page.locator("#invitation-table[data-stale]")).to_have_count(0)
    expect(page.locator(f"#withdraw-{invitation.pk}")).to_be_focused()
    assert_focus_visible(page)
