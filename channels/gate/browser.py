"""The pixel witness for HTML: Debian's Chromium, one per process, lazily started, pages reused.

Playwright's sync API runs on its own thread here, so callers (Prefect tasks, tests with
their own event loops) never share its event loop.  Requests go only to the view's own
files; anything else is aborted, so nothing is fetched.
"""

from __future__ import annotations

import atexit
import hashlib
import io
import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from channels.gate.match import normalize
from channels.gate.ocr import ocr_problem
from channels.gate.pixels import ink_problem
from channels.processes import die_with_parent
from channels.rules import GATE

CHROMIUM = "/usr/bin/chromium"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run")
ORIGIN = "http://gate.invalid/"
VIEWPORT_HEIGHT = 1600  # tall enough for any disclaimer block in one screenshot
FIND = (Path(__file__).with_name("find.js")).read_text(encoding="utf-8")
HIDE_INK = ("[data-gate-ink], [data-gate-ink] *, [data-gate-ink]::first-line, "
            "[data-gate-ink] *::first-line { color: transparent !important; "
            "-webkit-text-fill-color: transparent !important; text-shadow: none !important; "
            "text-decoration-color: transparent !important; }")


@dataclass(frozen=True)
class View:
    """One way a reader sees an HTML output: its files, the width, media and colour scheme."""

    name: str  # as refusals print it: "index.html at 375 px"
    page: str  # the file to open, a key of ``files``
    files: tuple[tuple[str, bytes], ...]  # by path under the origin ("a/index.html")
    width: int
    media: str = "screen"
    scheme: str = "light"
    region: str = "body"
    script: str = ""  # run after loading (the Outlook view hides mso-hide:all elements)


class _Engine:
    """One Chromium and one page, used only from the engine's own (daemon) thread."""

    def __init__(self) -> None:
        self.jobs: queue.Queue[tuple[Callable[[], Any], Future[Any]]] = queue.Queue()
        self.files: dict[str, bytes] = {}
        self.page: Any = None
        self.pid = os.getpid()
        threading.Thread(target=self._work, name="gate-browser", daemon=True).start()

    def _work(self) -> None:
        while True:
            job, future = self.jobs.get()
            try:
                future.set_result(job())
            except BaseException as exc:  # handed to the caller, raised there
                future.set_exception(exc)

    def _call(self, job: Callable[[], Any]) -> Any:
        future: Future[Any] = Future()
        self.jobs.put((job, future))
        return future.result()

    def run(self, view: View, texts: tuple[str, ...]) -> dict[str, str]:
        return self._call(lambda: self._look(view, texts))  # type: ignore[no-any-return]

    def _start(self) -> None:
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        self.page = self.browser.new_page(device_scale_factor=1)
        self.page.route("**/*", self._serve)

    def _serve(self, route: Any) -> None:
        path = route.request.url.removeprefix(ORIGIN).split("?")[0].split("#")[0]
        if route.request.url.startswith(ORIGIN) and path in self.files:
            route.fulfill(status=200, body=self.files[path], content_type=_type(path))
        else:
            route.abort()

    def _look(self, view: View, texts: tuple[str, ...]) -> dict[str, str]:
        if self.page is None:
            self._start()
        page, self.files = self.page, dict(view.files)
        page.set_viewport_size({"width": view.width, "height": VIEWPORT_HEIGHT})
        page.emulate_media(media=view.media, color_scheme=view.scheme)
        page.goto(ORIGIN + view.page, wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        if view.script:
            page.evaluate(view.script)
        page.add_style_tag(content=HIDE_INK)
        return {text: _verdict(page, view, text) for text in texts}

    def close(self) -> None:
        if self.page is not None and self.pid == os.getpid():
            self._call(self._stop)

    def _stop(self) -> None:
        self.browser.close()
        self.playwright.stop()
        self.page = None


def _verdict(page: Any, view: View, text: str) -> str:
    """Empty when one occurrence of ``text`` is painted readably; else what is wrong."""
    args = [normalize(text), view.region, GATE.html_min_font_px, GATE.html_min_advance_px]
    found = page.evaluate(FIND, args)
    if not found:
        return "not in the text the browser renders"
    problems = []
    for occurrence in found:
        problem = "; ".join(occurrence["problems"]) or _ink(page, occurrence, text)
        if not problem:
            return ""
        problems.append(problem)
    return problems[0]


def _ink(page: Any, occurrence: dict[str, Any], text: str) -> str:
    """Screenshot the text's boxes with and without its glyphs; judge the difference, then
    read the screenshot back through OCR."""
    rects = occurrence["rects"]
    left, top = min(r["x"] for r in rects), min(r["y"] for r in rects)
    right = max(r["x"] + r["w"] for r in rects)
    bottom = max(r["y"] + r["h"] for r in rects)
    scrolled = page.evaluate(f"window.scrollTo(0, {top}); window.scrollY")
    clip = {"x": left, "y": top - scrolled, "width": right - left, "height": bottom - top}
    shown = page.screenshot(clip=clip, animations="disabled", caret="initial")
    page.evaluate(f"window.__gateHide({occurrence['index']}, true)")
    hidden = page.screenshot(clip=clip, animations="disabled", caret="initial")
    page.evaluate(f"window.__gateHide({occurrence['index']}, false)")
    boxes = [(r["x"] - left, r["y"] - top, r["w"], r["h"]) for r in rects]
    return ink_problem(shown, hidden, boxes) or ocr_problem(Image.open(io.BytesIO(shown)), text)


def _type(path: str) -> str:
    suffix = path.rsplit(".", 1)[-1].lower()
    return {"html": "text/html; charset=utf-8", "css": "text/css", "woff2": "font/woff2",
            "ttf": "font/ttf", "otf": "font/otf", "png": "image/png", "jpg": "image/jpeg",
            "svg": "image/svg+xml", "woff": "font/woff"}.get(suffix, "application/octet-stream")


_ENGINE: _Engine | None = None
_LOCK = threading.Lock()
# The same bytes seen the same way give the same verdict: a re-render of an unchanged
# article is not painted again in this process.
_SEEN: dict[str, dict[str, str]] = {}
_SEEN_MAX = 256


def look(view: View, texts: tuple[str, ...]) -> dict[str, str]:
    """For each text: empty if a reader of ``view`` sees it, else what the browser shows."""
    global _ENGINE
    key = _key(view, texts)
    with _LOCK:
        if key not in _SEEN:
            # A forked worker inherits the parent's engine but not its thread: start anew.
            if _ENGINE is None or _ENGINE.pid != os.getpid():
                die_with_parent()  # a pool worker: this Chromium must not outlive the run
                _ENGINE = _Engine()
                atexit.register(_ENGINE.close)
            if len(_SEEN) >= _SEEN_MAX:
                _SEEN.pop(next(iter(_SEEN)))
            _SEEN[key] = _ENGINE.run(view, texts)
        return dict(_SEEN[key])


def _key(view: View, texts: tuple[str, ...]) -> str:
    digest = hashlib.sha256(repr((view.name, view.page, view.width, view.media, view.scheme,
                                  view.region, view.script, texts)).encode())
    for path, data in view.files:
        digest.update(path.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()
