"""What the console's browser tests share: posting an inquiry as a citizen would, a
second responder's browser, and the console's locators and words.

Inquiries go in through the public JSON API over real HTTP (the citizen's side of the
service), and are then triaged by the live server's worker; a test waits for that by
waiting for the row in the browser, with a deadline for something that must happen.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.helpers import CONSOLE_PATH, StaffLogin
from tests.browser.live_server import LiveServer

# How long a posted inquiry may take to be triaged and shown: the worker warms its model
# up (seconds of CPU, at low priority) before the first job. A deadline, not a gauge.
TRIAGED_MS = 45_000
# An SSE reconnect after a restart: the browser retries 2 s after the drop.
RECONNECTED_MS = 20_000
PAGE_TIMEOUT_MS = 10_000  # as conftest.py's for `page`

URGENT_TEXT = "家が浸水して2階に閉じ込められています。助けてください"
LIVE_ON = "自動更新中"  # triage/console/texts.py live_on
LIVE_OFF = "接続が切れました。再接続しています…"  # live_off
CLAIMED = "担当しました"
REPLY_QUEUED = "返信を送信待ちにしました"
RESOLVED = "完了にしました"
MERGED = "統合しました"
SPLIT = "統合を取り消しました"
REPORTS = "件の報告"


@dataclass(frozen=True)
class Posted:
    """What the citizen gets back: the inquiry's id and their status page."""

    id: str
    status_url: str


def post_inquiry(base_url: str, text: str, contact: str | None = None) -> Posted:
    """POST /api/v1/inquiries as a citizen's browser or app would."""
    body: dict[str, str] = {"text": text}
    if contact is not None:
        body["contact"] = contact
    response = httpx.post(f"{base_url}/api/v1/inquiries", json=body, timeout=10)
    assert response.status_code == 202, response.text
    answer = response.json()
    return Posted(id=answer["id"], status_url=answer["status_url"])


def row(page: Page, inquiry_id: str) -> Locator:
    """The queue's row of one inquiry."""
    return page.locator(f'#queue tr.row[data-id="{inquiry_id}"]')


def inquiry_path(inquiry_id: str) -> str:
    return f"{CONSOLE_PATH}/inquiries/{inquiry_id}"


def flash(page: Page) -> Locator:
    return page.locator("p.flash[role]")


def expect_row(page: Page, inquiry_id: str) -> None:
    """The inquiry is in the queue shown (after triage, which may take a while)."""
    expect(row(page, inquiry_id), f"{inquiry_id} never showed in the queue").to_be_visible(
        timeout=TRIAGED_MS
    )


def mark_document(page: Page) -> None:
    """Tag the loaded document, so that `assert_not_reloaded` can tell it is the same one
    (a reload or a navigation would make a new one, without the tag)."""
    page.evaluate("window.__kept = 'this document'")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__kept") == "this document", "the page was reloaded"


@contextmanager
def second_responder(
    browser: Browser, live_server: LiveServer, staff_login: StaffLogin, name: str, password: str
) -> Iterator[Page]:
    """Another responder at another desk: a browser context of its own (own cookies),
    signed in through the form."""
    context = browser.new_context(
        base_url=live_server.base_url,
        locale="ja-JP",
        timezone_id="Asia/Tokyo",
        viewport={"width": 1280, "height": 800},
    )
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        tab = context.new_page()
        staff_login(tab, live_server.base_url, name, password)
        yield tab
    finally:
        context.close()
