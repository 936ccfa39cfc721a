"""The organiser's directory journey in a browser: a duplicate "Jena" is warned about, confirmed, previewed
for the merge and merged into "Stadt Jena"; the warning and the preview have no serious axe finding."""

import pytest
from playwright.sync_api import expect

from participants.models import Organisation, OrganisationMerge
from tests.browser.arrange import demo_with_round_three_ahead
from tests.browser.conftest import login
from tests.browser.test_accessibility import assert_no_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_duplicate_is_warned_confirmed_and_merged_through_the_ui(page):
    demo_with_round_three_ahead()
    login(page, "orga@example.org")

    page.goto("/orga/organisationen/neu/")
    page.get_by_label("Name").fill("JENA")
    page.get_by_label("Art").select_option("city")
    page.get_by_label("Ort").fill("Jena-Lobeda")
    page.get_by_role("button", name="Organisation anlegen").click()

    expect(page.get_by_role("heading", name="Diese Organisation gibt es vielleicht schon")).to_be_visible()
    expect(page.get_by_label("Ort")).to_have_value("Jena-Lobeda")
    assert_no_violations(page)
    page.get_by_label("Ich habe die ähnlichen Organisationen geprüft: Es ist eine andere Organisation.").check()
    page.get_by_role("button", name="Organisation anlegen").click()
    expect(page.get_by_role("heading", name="JENA", exact=True)).to_be_visible()

    page.get_by_role("link", name="Zusammenführen").click()
    page.get_by_label("Zusammenführen mit").select_option(label="Stadt Jena")
    page.get_by_role("button", name="Vorschau anzeigen").click()
    expect(page.get_by_role("heading", name="Was von JENA zu Stadt Jena übergeht")).to_be_visible()
    assert_no_violations(page)
    page.get_by_role("button", name="Jetzt mit Stadt Jena zusammenführen").click()

    expect(page.get_by_text("JENA ist mit Stadt Jena zusammengeführt.")).to_be_visible()
    assert Organisation.objects.filter(name="JENA").exists() is False
    assert OrganisationMerge.objects.get().source_name == "JENA"
