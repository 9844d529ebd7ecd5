"""Accessibility: axe-core on every main page for every role, and the chat page by keyboard."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.pages import PAGES_BY_ROLE, url_of

BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe():
    return Axe()


def blocking_violations(axe, page, options=None):
    """The serious and critical axe-core violations on the page, one readable line each."""
    results = axe.run(page, options=options)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


@pytest.mark.parametrize("role", PAGES_BY_ROLE)
def test_no_serious_accessibility_violations(page, sign_in, acme, axe, role):
    if role:
        sign_in(page, getattr(acme, role))
    found = {}

    for path in PAGES_BY_ROLE[role]:
        page.goto(url_of(path, acme))
        violations = blocking_violations(axe, page)
        # Of all the rules, only contrast depends on the colour scheme.
        page.emulate_media(color_scheme="dark")
        violations += [
            f"dark: {violation}"
            for violation in blocking_violations(axe, page, {"runOnly": ["color-contrast"]})
        ]
        page.emulate_media(color_scheme="light")
        if violations:
            found[path] = violations

    assert found == {}


def tab_to(page, name, most=40):
    """Press Tab until the focused element's text is `name`; its computed outline, or None."""
    for _ in range(most):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const element = document.activeElement;
                const style = getComputedStyle(element);
                return {text: element.textContent.trim(), outline: style.outlineStyle,
                        width: parseFloat(style.outlineWidth)};
            }"""
        )
        if focused["text"] == name:
            return focused
    return None


def test_previous_and_next_work_from_the_keyboard_with_visible_focus(
    page, sign_in, acme, live_server
):
    _, planted, last = acme.conversations
    sign_in(page, acme.agent)
    page.goto(f"/c/{planted.token}/")

    assert tab_to(page, "Skip to content") is not None
    focused = tab_to(page, "Next Conversation →")
    assert focused is not None, "Next Conversation cannot be reached by keyboard"
    assert focused["outline"] != "none" and focused["width"] >= 2, "focus is not visible"
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/c/{last.token}/")

    # At the end, Next is disabled and out of the Tab order; Previous leads back.
    assert tab_to(page, "Next Conversation →") is None
    page.goto(f"/c/{last.token}/")
    assert tab_to(page, "← Previous Conversation") is not None
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/c/{planted.token}/")
