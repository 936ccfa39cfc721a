"""Browser tests: Playwright driving Debian's Chromium against the live test server.

Every page is checked for Content-Security-Policy violations: a violation in the console fails the test.
"""

import os
import shutil
import tempfile

import pytest

from tests.conftest import require

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    require(os.path.exists(CHROMIUM), f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    user_data = tempfile.mkdtemp(prefix="chromium-")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    shutil.rmtree(user_data, ignore_errors=True)


@pytest.fixture
def csp_violations():
    return []


@pytest.fixture
def page(browser, live_server, csp_violations):
    context = browser.new_context(base_url=live_server.url, locale="de-DE", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            csp_violations.append(text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: csp_violations.append(f"page error: {error}"))
    yield page
    context.close()
    assert csp_violations == [], csp_violations


def login(page, email: str, password: str = "austausch") -> None:
    """Sign in as ``email``, starting from a fresh browser session (whatever session there was is dropped)."""
    page.context.clear_cookies()
    page.goto("/konto/login/")
    page.get_by_label("E-Mail").fill(email)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state()
