"""Accessibility of the chat, checked by axe-core in a real browser (issue 20): no critical or serious violation
on the empty page, with answers, with a refusal and with a source opened — light and dark, desktop and phone —
and every control reachable by Tab.

axe-core 4.14.1 is vendored in tests/vendor/axe-core/ (MPL-2.0, its licence beside it; from the npm registry,
checked against the package's own SRI hash below), so the test runs offline.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

from browser_support import (  # noqa: F401  (fixtures are used by name)
    RECORDERS, LiveServer, ask, browser, feedback_store, host_page, live, recorded_page, screenshot)

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
#: sri-history.json of axe-core 4.14.1 gives this hash for axe.min.js.
AXE_SRI = "sha256-KTSJmUUM3yhJqOcLeRL8LahahJ2jnA0NU5T1HUqe2Vw="
FAILING = ("critical", "serious")
SCREENS = {"desktop": {"viewport": {"width": 1366, "height": 900}},
           "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}}


@pytest.fixture(scope="module")
def axe_source() -> str:
    data = AXE.read_bytes()
    assert "sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode() == AXE_SRI
    return data.decode("utf-8")


def violations(page, axe_source: str) -> list[str]:  # noqa: ANN001
    """Critical and serious axe violations of the page as it is now (after Gradio's fade-ins have ended)."""
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source)
    found = page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")
    return [f"{v['id']} ({v['impact']}): {n['target']} {n['failureSummary']}"
            for v in found if v["impact"] in FAILING for n in v["nodes"]]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_no_serious_violation_empty_answered_refused_and_source_open(
        live: LiveServer, browser, axe_source: str, scheme: str, screen: str) -> None:  # noqa: ANN001
    context = browser.new_context(locale="zh-CN", color_scheme=scheme, **SCREENS[screen])
    page, _ = recorded_page(context)  # `ask` waits on its recorded requests (browser_support.settle)
    try:
        page.goto(live.url + "/")
        page.wait_for_selector("#qa-input textarea")
        assert violations(page, axe_source) == [], "empty page"
        ask(page, "海淀区的人工智能企业占比多少？")
        ask(page, "那朝阳区呢？")
        assert violations(page, axe_source) == [], "with answers"
        screenshot(page, f"chat-{screen}-{scheme}.png")
        ask(page, "GDP是多少？")
        assert page.locator(".qa-unanswered").count() == 1
        assert violations(page, axe_source) == [], "with a refusal"
        card = page.locator(".qa-card").first
        card.locator("details.qa-more > summary").click()
        card.locator("details.qa-more details.qa-source > summary").first.click()
        assert card.locator("details.qa-more details.qa-source[open]").count() >= 1
        assert violations(page, axe_source) == [], "with a source opened"
    finally:
        del RECORDERS[page]
        context.close()


def test_every_control_is_reachable_by_tab(live: LiveServer, browser) -> None:  # noqa: ANN001
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page, _ = recorded_page(context)
    try:
        page.goto(live.url + "/")
        page.wait_for_selector("#qa-input textarea")
        ask(page, "报告提出了哪些对策建议？")
        card = page.locator(".qa-card").last
        wanted = {"textbox": "#qa-input textarea", "send": "#qa-send", "retry": "#qa-retry", "clear": "#qa-clear",
                  "settings": "#qa-settings button, #qa-settings [role=button]", "ref": ".qa-card a.qa-ref",
                  "source": ".qa-card details.qa-source > summary", "copy": ".qa-card .qa-copy",
                  "up": ".qa-card .qa-up", "down": ".qa-card .qa-down"}
        assert card.locator("a.qa-ref").count() >= 1
        page.evaluate("document.activeElement.blur()")
        reached: set[str] = set()
        for _ in range(120):
            page.keyboard.press("Tab")
            for name, selector in wanted.items():
                if page.evaluate("s => !!document.activeElement?.matches(s)", selector):
                    reached.add(name)
            if reached == set(wanted):
                break
        assert reached == set(wanted), set(wanted) - reached
        # the focused control shows where it is
        page.locator(".qa-card .qa-up").last.focus()
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none"
    finally:
        del RECORDERS[page]
        context.close()
