"""The browser fixtures really catch Content-Security-Policy violations, and the policy is enforced."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_inline_script_blocked_and_reported(page, csp_violations):
    page.goto("/")

    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)

    assert page.evaluate("window.injected === undefined") is True
    assert len(csp_violations) == 1
    assert "Content Security Policy" in csp_violations[0]
    csp_violations.clear()  # expected here; every other browser test fails on a violation


def test_inline_style_attribute_blocked(page, csp_violations):
    page.goto("/")

    page.evaluate("() => { document.body.insertAdjacentHTML('beforeend', '<p id=x style=\"color: red\">x</p>'); }")
    page.wait_for_timeout(200)

    assert page.evaluate("getComputedStyle(document.getElementById('x')).color") != "rgb(255, 0, 0)"
    assert len(csp_violations) == 1
    csp_violations.clear()
