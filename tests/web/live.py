"""The pieces every real-browser test of the web application shares.

A live uvicorn on 127.0.0.1 (a free port, in a thread of the test process, so a test can move
the application's clock), the system Chromium (/usr/bin/chromium, never `playwright
install`; missing, it fails under CI=true and is skipped elsewhere, as in tests/browser),
signing in through the login form, and the proof that no script ran on a page.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from govsite.collect.browser import axe_source_path
from govsite.collect.settings import DEFAULT_CHROMIUM_PATH
from tests.web.conftest import PASSWORD

CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def require_chromium() -> None:
    """Skip (or, under CI=true, fail) when the browser stack is not installed."""
    why = None
    if not os.path.isfile(DEFAULT_CHROMIUM_PATH):
        why = f"{DEFAULT_CHROMIUM_PATH} missing: run `make install` (apt-get install chromium)"
    elif axe_source_path() is None:
        why = "node_modules/axe-core missing: run `make install` (npm install)"
    else:
        try:
            import playwright  # noqa: F401
        except ImportError:
            why = "playwright missing: run `make install`"
    if why:
        if os.environ.get("CI") == "true":
            pytest.fail(why)
        pytest.skip(why)


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """The application on a free port of 127.0.0.1, until the block ends; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def chromium() -> Iterator[Any]:
    """The system Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=DEFAULT_CHROMIUM_PATH, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def sign_in(browser: Any, base_url: str, username: str, **context: Any) -> Any:
    """A new browser context signed in as `username` through the login form; its page."""
    page = browser.new_context(**context).new_page()
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("load")
    assert "/login" not in page.url, f"{username} could not sign in"
    return page


def no_script_ran(page: Any) -> None:
    """Each planted payload would set window.__xss; and no <script> element exists at all."""
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.evaluate("document.scripts.length") == 0
