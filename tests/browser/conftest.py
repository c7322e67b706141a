"""Fixtures for real browser tests: Playwright driving Debian's Chromium against the
real service in subprocesses (see live_server.py).

No browser is downloaded (`playwright install` is never run): Playwright launches
/usr/bin/chromium, which `.ci/run` installs with apt-get when it is missing. Without it,
or without the playwright package, every test here is skipped, saying which is missing,
before any server is started.

Every test here is marked `slow`: each starts a server and a worker process.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.browser.helpers import StaffLogin, bound_staff_login
from tests.browser.live_server import LiveServer
from triage.core.settings import Settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
# Short on purpose: a page that is right answers in well under a second on this
# service, and a wrong one should fail the test quickly rather than hang for 30 s.
PAGE_TIMEOUT_MS = 10_000
SHOTS_ENV = "BROWSER_SHOTS_DIR"
_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under this directory `slow`, like the other tests that start
    processes, without each module having to remember it."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report so fixtures can tell, at teardown, that the test failed
    (and then show the server's log and a screenshot)."""
    report = yield
    if item.path.is_relative_to(HERE):
        item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


def _failed(request: pytest.FixtureRequest) -> bool:
    reports = request.node.stash.get(_REPORTS, {})
    return any(report.failed for report in reports.values())


def chromium_missing_reason() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install -y chromium; .ci/run does it)"
    return None


MISSING = chromium_missing_reason()


class _Unrunnable(pytest.Module):
    """A test module here, skipped without being imported: it imports playwright at
    the top, which may be what is missing."""

    def collect(self) -> NoReturn:
        pytest.skip(f"browser tests cannot run: {MISSING}")


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(
    module_path: Path, parent: pytest.Collector
) -> pytest.Module | None:
    """Skip every module of this directory, saying why, before any server is started."""
    if MISSING is None:
        return None
    return _Unrunnable.from_parent(parent, path=module_path)


class _SharedChromium:
    """One headless Chromium for a run of consecutive browser tests in this process.

    Not a session-scoped fixture: Playwright's sync API leaves its event loop marked as
    running on the main thread for as long as it is started, and every later test in
    the same process that calls asyncio.run() would fail ("cannot be called from a
    running event loop"). With xdist, browser tests share processes with such tests, so
    the browser is stopped as soon as the next test is not a browser test (see
    pytest_runtest_teardown) and started again, about a second, when one comes."""

    def __init__(self) -> None:
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    def get(self) -> Browser:
        if self._browser is None or not self._browser.is_connected():
            self.close()
            from playwright.sync_api import sync_playwright

            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                headless=True,
                args=["--no-sandbox"],  # root in CI; Chromium's sandbox refuses root
            )
        return self._browser

    def close(self) -> None:
        browser, playwright = self._browser, self._playwright
        self._browser = self._playwright = None
        try:
            if browser is not None and browser.is_connected():
                browser.close()
        finally:
            if playwright is not None:
                playwright.stop()


_CHROMIUM = _SharedChromium()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    """After the last of a run of browser tests (this hook runs for tests here only),
    stop Chromium and Playwright's loop before any other test starts."""
    try:
        yield
    finally:
        if nextitem is None or not nextitem.path.is_relative_to(HERE):
            _CHROMIUM.close()


@pytest.fixture
def browser() -> Browser:
    """The shared headless Chromium (see _SharedChromium); each test gets its own
    context (cookies, storage) from `page`, milliseconds where a browser costs a second."""
    return _CHROMIUM.get()


@pytest.fixture
def live_server(
    request: pytest.FixtureRequest, settings: Settings, redis_url: str, tmp_path: Path
) -> Iterator[LiveServer]:
    """`triage serve` on a free port plus one triage worker, on this test's database,
    home and Redis; `base_url`, `restart()`, `stop()`, `start()`. Both are ended after
    the test; on failure their log tails are printed."""
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    server = LiveServer(settings=settings, redis_url=redis_url, log_dir=log_dir)
    try:
        server.start()
        server.start_worker()  # after: its model warm-up would slow the server's start
        yield server
    finally:
        server.close()
        if _failed(request):
            print(server.logs())


@pytest.fixture
def page(
    request: pytest.FixtureRequest, browser: Browser, live_server: LiveServer, tmp_path: Path
) -> Iterator[Page]:
    """A fresh signed-out tab on the live server, in Japanese; relative URLs resolve
    against `live_server.base_url`. On failure a screenshot is kept in tmp_path."""
    context = browser.new_context(
        base_url=live_server.base_url,
        locale="ja-JP",
        timezone_id="Asia/Tokyo",
        viewport={"width": 1280, "height": 800},
    )
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    tab = context.new_page()
    try:
        yield tab
    finally:
        if _failed(request) and not tab.is_closed():
            shot = tmp_path / "failure.png"
            tab.screenshot(path=str(shot), full_page=True)
            print(f"screenshot of the failing page: {shot} ({tab.url})")
        context.close()


@pytest.fixture
def staff_login(live_server: LiveServer, session_factory: sessionmaker[Session]) -> StaffLogin:
    """`staff_login(page, base_url, name, password, role=Role.RESPONDER)`: the account
    is made (or its password reset) in the live server's database, then signed in
    through the real form; fails unless the browser lands on /console."""
    return bound_staff_login(session_factory)


@pytest.fixture(scope="session")
def shots_dir() -> Path:
    """Where tests save screenshots meant for a person to look at
    (BROWSER_SHOTS_DIR, default /tmp/browser-shots)."""
    directory = Path(os.environ.get(SHOTS_ENV, "/tmp/browser-shots"))
    directory.mkdir(parents=True, exist_ok=True)
    return directory
