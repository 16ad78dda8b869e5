"""The published page and index in a real browser: Debian's Chromium through Playwright.

Served from the session's published folder over a loopback HTTP server; any request
for anything else is aborted and recorded, so the page provably needs nothing outside.
Screenshots are kept in ``.cache/screenshots/`` for a person to look at.
"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import ROOT
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = ROOT / ".cache" / "screenshots"
WIDTHS = (320, 375, 1280)
PAGES = {"page": "gut-brain-axis/", "index": ""}
AXE_OPTIONS = {"rules": {"target-size": {"enabled": True}}, "resultTypes": ["violations"]}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def site_url(published):
    handler = functools.partial(_Quiet, directory=str(published))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


# Module scope: Playwright's sync API keeps an event loop running in this thread while it
# is open, which would turn later tests' Prefect calls into coroutines.
@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def open_page(browser, site_url):
    """Open one of ``PAGES`` at a width, fonts loaded; returns (page, outside requests)."""
    opened = []

    def open_(name: str, width: int):
        context = browser.new_context(viewport={"width": width, "height": 900})
        outside: list[str] = []

        def route(r):
            if urlparse(r.request.url).hostname == "127.0.0.1":
                return r.continue_()
            outside.append(r.request.url)
            return r.abort()

        context.route("**/*", route)
        page = context.new_page()
        response = page.goto(site_url + PAGES[name], wait_until="load")
        assert response is not None and response.status == 200
        page.evaluate("document.fonts.ready.then(() => true)")
        opened.append(context)
        return page, outside

    yield open_
    for context in opened:
        context.close()


def overflow(page) -> int:
    """How many CSS pixels the document is wider than the viewport (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def visible_main_text(page) -> str:
    """``innerText`` of ``<main>``: what the browser actually shows, after all CSS."""
    return " ".join(page.locator("main").inner_text().split())


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_fits_the_width_and_loads_nothing_from_outside(open_page, name, width):
    page, outside = open_page(name, width)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"{name}-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert overflow(page) == 0
    assert outside == []
    assert page.evaluate("document.fonts.check('700 1rem \"Atkinson Hyperlegible\"')")


@pytest.mark.parametrize("width", (375, 1280))
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violations(open_page, name, width):
    page, _ = open_page(name, width)
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("width", (375, 1280))
def test_every_required_disclaimer_and_the_cta_are_visible_in_main(open_page, seed, width):
    page, _ = open_page("page", width)
    text = visible_main_text(page)
    for disclaimer in seed.context.required_for("web"):
        assert " ".join(disclaimer.text.split()) in text, disclaimer.id
    assert page.locator("main .crisis").is_visible()
    assert page.get_by_role("link", name=seed.article.cta.text).is_visible()
    assert page.locator("h1").count() == 1


def test_skip_link_appears_on_focus_and_leads_to_main(open_page):
    page, _ = open_page("page", 375)
    skip = page.get_by_role("link", name="Skip to main content")
    assert not skip.is_visible() or skip.bounding_box()["y"] < 0
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    assert skip.bounding_box()["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#content"


def test_print_stylesheet_drops_navigation_and_keeps_disclaimers(open_page, seed):
    page, _ = open_page("page", 1280)
    page.emulate_media(media="print")
    assert not page.locator(".site-header nav").is_visible()
    assert page.locator("main .crisis").is_visible()
    assert seed.context.required_for("web")[0].short in visible_main_text(page)
    page.emulate_media(media="screen")


# The checks above must be able to fail: the same page, broken on purpose in the browser.

def test_a_disclaimer_hidden_by_css_is_not_seen(open_page, seed):
    page, _ = open_page("page", 375)
    page.add_style_tag(content=".crisis { display: none }")
    crisis = next(d for d in seed.context.required_for("web") if d.id == "crisis-988")
    assert " ".join(crisis.text.split()) not in visible_main_text(page)


def test_a_too_wide_element_is_caught_at_375_px(open_page):
    page, _ = open_page("page", 375)
    page.add_style_tag(content=".article-body p:first-child { width: 600px }")
    assert overflow(page) > 0


def test_axe_reports_low_contrast_and_small_targets(open_page):
    """``target-size`` is off by default in axe-core: this proves AXE_OPTIONS turns it on."""
    page, _ = open_page("page", 375)
    page.add_style_tag(content=".lead, .article-body p { color: #c8c8c8 }"
                               ".site-header nav a { font-size: 8px; min-height: 0; padding: 0;"
                               " line-height: 1; margin: 0 }")
    page.evaluate("document.querySelector('.site-header nav').insertAdjacentHTML('beforeend',"
                  " '<a href=\"#a\">1</a><a href=\"#b\">2</a>')")
    found = {v["id"] for v in Axe().run(page, options=AXE_OPTIONS).response["violations"]}
    assert {"color-contrast", "target-size"} <= found
