import pytest

from demo.data import load_demo_data
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_renders_demo_series_without_csp_violation(page):
    load_demo_data()

    page.goto("/")

    assert page.locator("h2").first.inner_text() == "Klauseln der Smart-City-Strategien"
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith('"Fira Sans"')


def test_login_as_organiser_shows_name_in_navigation(page):
    load_demo_data()

    login(page, "orga@example.org")

    assert page.locator(".site-nav__user").inner_text() == "Organisationsteam"
