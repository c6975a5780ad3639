"""What the browser tests share: a command runner with fixed git dates, a static server for a
built site, and Debian's Chromium through Playwright (the `browser` fixture in conftest.py).

A missing Chromium or Playwright fails the test with what to install: a silent skip would let
CI pass without ever opening a page.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("PLANBOOK_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def env(date: str) -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PLANBOOK_TODAY": "2026-06-01",
            "GIT_AUTHOR_NAME": "Ada Lovelace", "GIT_AUTHOR_EMAIL": "ada@example.com",
            "GIT_COMMITTER_NAME": "Ada Lovelace", "GIT_COMMITTER_EMAIL": "ada@example.com",
            "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
            "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}


def sh(args, cwd, date="2026-03-02T10:00:00+00:00"):
    proc = subprocess.run(args, cwd=cwd, env=env(date), capture_output=True, text=True)
    assert proc.returncode == 0, f"{' '.join(map(str, args))} failed:\n{proc.stderr}"
    return proc


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve a built site from localhost; yields its base URL."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
                return  # the browser stopped reading (a page closed mid-answer): no error
            super().handle_error(request, client_address)

    httpd = Server(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        thread.join(5)


@contextlib.contextmanager
def chromium():
    """Debian's Chromium, launched headless through Playwright."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # a broken install, not a reason to pass
        pytest.fail("Playwright for Python is not installed: pip install -e '.[dev]'",
                    pytrace=False)
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium package "
                    "(apt-get install -y chromium) or set PLANBOOK_CHROMIUM", pytrace=False)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


def search(page, word: str, tries: int = 20):
    """Type `word` into the open search box until the first result shows (the theme searches
    on key presses, once its index has loaded); the first result's link."""
    box = page.locator("input.md-search__input")
    result = page.locator(".md-search-result__item a").first
    for _ in range(tries):
        box.fill("")
        box.press_sequentially(word, delay=10)
        try:
            result.wait_for(timeout=500)
            break
        except Exception:  # noqa: BLE001 - not loaded yet: type again
            continue
    return result
