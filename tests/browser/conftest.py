"""Browser journeys: Debian's Chromium driven by Playwright against `live_server`.

One browser for the run of browser tests, a fresh context and page per test. Without
Chromium they are skipped with the reason, unless REQUIRE_BROWSER=1 (as in CI), where
they fail instead.
"""

import json
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Error, sync_playwright

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000
# The site must work offline: any request that leaves the live server is refused.
EXTERNAL = re.compile(r"^(?!https?://(localhost|127\.0\.0\.1)[:/])")


def _unavailable(reason):
    """Skip, or fail loudly when the browser is required (CI must never skip silently)."""
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


class Chromium:
    """Playwright and one Chromium, started by the first browser test, stopped after the last.

    While Playwright's sync API runs, its event loop counts as running in this thread:
    Django refuses the test thread's database access (SynchronousOnlyOperation) unless
    DJANGO_ALLOW_ASYNC_UNSAFE is set, and ``asyncio.run()`` fails. So both the loop and the
    setting last only as long as the browser tests, never into the rest of the suite. The
    setting is safe here: the test thread and the live server thread never share a
    connection.
    """

    playwright = browser = unavailable = None
    saved_setting = None

    @classmethod
    def get(cls):
        if cls.unavailable:
            _unavailable(cls.unavailable)
        if cls.browser is None:
            cls.start()
        return cls.browser

    @classmethod
    def start(cls):
        executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
        if not Path(executable).exists():
            cls.unavailable = f"no Chromium at {executable} (set CHROMIUM_PATH)"
            _unavailable(cls.unavailable)
        cls.saved_setting = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        cls.playwright = sync_playwright().start()
        try:
            cls.browser = cls.playwright.chromium.launch(
                executable_path=executable, args=CHROMIUM_ARGS
            )
        except Error as error:
            cls.stop()
            first_line = error.message.splitlines()[0]
            cls.unavailable = f"Chromium at {executable} did not start: {first_line}"
            _unavailable(cls.unavailable)

    @classmethod
    def stop(cls):
        if cls.browser is not None:
            cls.browser.close()
        if cls.playwright is not None:
            cls.playwright.stop()
        cls.playwright = cls.browser = None
        if cls.saved_setting is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = cls.saved_setting


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a test's own teardown, stop the browser unless the next test needs it."""
    try:
        return (yield)
    finally:
        if nextitem is None or nextitem.get_closest_marker("browser") is None:
            Chromium.stop()


@pytest.fixture
def browser():
    return Chromium.get()


def _new_page(browser, viewport=DESKTOP, **options):
    context = browser.new_context(viewport=viewport, **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.route(EXTERNAL, lambda route: route.abort())
    return context, context.new_page()


@pytest.fixture
def page(browser):
    context, page = _new_page(browser)
    yield page
    context.close()


@pytest.fixture
def page_without_js(browser):
    context, page = _new_page(browser, java_script_enabled=False)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context, page = _new_page(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    yield page
    context.close()


@pytest.fixture
def site(live_server):
    """The live server's URL, over an empty (transactional) database."""
    return live_server.url


@pytest.fixture
def directory(site):
    """The curated directory, committed so the live server thread sees it; returns its URL.

    Loading and flushing cost a second or more on PostgreSQL, so read-only checks visit
    several pages in one test rather than reloading the directory for each page.
    """
    call_command("load_initial_data", verbosity=0)
    return site


@pytest.fixture(scope="session")
def screenshot_dir():
    folder = Path(os.environ.get("SCREENSHOT_DIR") or REPO_ROOT / "test-artifacts" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def axe_violations(page, impacts=("serious", "critical")):
    """Run the vendored axe-core on the page; the violations of the given impacts."""
    # Evaluated through the DevTools protocol: an injected <script> would break the CSP.
    page.evaluate(AXE_JS.read_text())
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v["impact"] in impacts]


def describe_violations(violations):
    """An actionable assertion message: rule, impact, where, and how to fix."""
    return json.dumps(
        [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "helpUrl": v["helpUrl"],
                "targets": [node["target"] for node in v["nodes"]][:10],
                "summary": v["nodes"][0].get("failureSummary", "") if v["nodes"] else "",
            }
            for v in violations
        ],
        indent=2,
        ensure_ascii=False,
    )
