"""Playwright driving Debian's Chromium (``apt-get install chromium``; never a
downloaded browser). ``phone`` is a 360×740 page, ``desktop`` a 1920×1080 one; both
fail the test if any request leaves the live server's origin, and if the page breaks
the Content-Security-Policy (an inline script or handler, an eval, a file from
elsewhere): every flow a browser test walks proves the policy holds for it."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator:
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), f"{CHROMIUM} missing: apt-get install chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def csp_violations(page) -> list[str]:
    """The Content-Security-Policy refusals of ``page`` and its later navigations:
    Chromium logs each one ("Refused to execute inline script ...") and fires a
    securitypolicyviolation event."""
    violations: list[str] = []
    page.on(
        "console",
        lambda m: (
            violations.append(m.text)
            if m.text.startswith("Refused to") or "Content Security Policy" in m.text
            else None
        ),
    )
    page.expose_binding("cspViolation", lambda _source, text: violations.append(text))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', (e) => window.cspViolation("
        "`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}"
        " at ${e.sourceFile}:${e.lineNumber}`))"
    )
    return violations


def _page(browser, live_server, viewport: dict) -> Iterator:
    context = browser.new_context(viewport=viewport, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    outside: list[str] = []
    # tel: is the phone's dialler (拨打), not the network.
    here = (live_server.url, "data:", "blob:", "tel:")
    page.on("request", lambda r: None if r.url.startswith(here) else outside.append(r.url))
    violations = csp_violations(page)
    page.set_default_timeout(10_000)
    yield page
    if not page.is_closed():
        page.evaluate("0")  # a round trip: the last page's reports have arrived
    context.close()
    assert not outside, f"requests left the origin: {outside}"
    assert not violations, f"Content-Security-Policy violations: {violations}"


@pytest.fixture
def phone(browser, live_server) -> Iterator:
    yield from _page(browser, live_server, {"width": 360, "height": 740})


@pytest.fixture
def desktop(browser, live_server) -> Iterator:
    yield from _page(browser, live_server, {"width": 1920, "height": 1080})


def log_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button.primary")
    page.wait_for_url(lambda url: "/accounts/login" not in url)


def page_weight(page) -> int:
    """Bytes the page and everything it loaded weigh, decoded (the < 100 KB budget of
    the phone pages)."""
    return page.evaluate(
        "performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
        ".reduce((n, e) => n + e.decodedBodySize, 0)"
    )


def downloaded_rows(download) -> list[tuple]:
    """The rows of the first sheet of an xlsx the page downloaded (Playwright's
    ``expect_download().value``)."""
    from openpyxl import load_workbook

    with open(download.path(), "rb") as fh:
        return list(load_workbook(fh, read_only=True).worksheets[0].iter_rows(values_only=True))
