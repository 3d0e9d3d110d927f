"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium), axe-core from npm.

No browser is downloaded: ``make browsers`` installs Debian's package.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-results" / "screenshots"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; the live server's database work is
# in its own thread, so Django's async-safety check does not apply to these tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _chromium() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Debian's chromium is not installed: run `make browsers`")
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


# Every chart the page can draw with vega-embed is drawn (or the page has no vega-embed).
_CHARTS_DRAWN = """() => document.readyState === "complete" && (typeof window.vegaEmbed !== "function" ||
  [...document.querySelectorAll("[data-saferhub-chart]")].every(h =>
    !document.getElementById(h.getAttribute("data-saferhub-chart"))
    || h.hasAttribute("data-saferhub-chart-enhanced")))"""


def settle(page, timeout: float = 30_000) -> None:
    """Wait until the page has loaded and its charts are drawn: what a reader waits for.

    Not Playwright's "networkidle" (discouraged by Playwright: it waits for 500 ms of silence on
    the network, which a busy machine can miss with nothing wrong); a page that never draws its
    charts still fails here, naming the charts left undrawn.
    """
    page.wait_for_load_state("load", timeout=timeout)
    try:
        page.wait_for_function(_CHARTS_DRAWN, timeout=timeout)
    except Exception as error:
        undrawn = page.evaluate(
            """() => [...document.querySelectorAll("[data-saferhub-chart]:not([data-saferhub-chart-enhanced])")]
                 .map(h => h.getAttribute("data-saferhub-chart"))"""
        )
        raise AssertionError(f"{page.url}: charts not drawn after {timeout / 1000:.0f} s: {undrawn}") from error


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run axe-core on the page (WCAG 2.0–2.2 A and AA rules) and return the violations of these impacts."""
    # Evaluated through the browser's debugging protocol, which the page's Content-Security-Policy
    # does not govern (a <script> tag added to the page would rightly be refused by it).
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def assert_accessible(page, name: str) -> None:
    screenshot(page, name)
    violations = axe_violations(page)
    assert violations == [], f"axe-core found serious or critical problems on {name}: {violations}"


# Assertions on the page wait for it (a form's answer, a chart drawn) rather than reading it at
# once: a submit's response can arrive after the click returns. Generous for a busy CI machine.
expect.set_options(timeout=20_000)
