"""The responder console in a real browser, against the real server and worker.

Each test starts a server and a worker (most of its time), so each one follows a whole
flow a responder goes through rather than one click:

- the queue is live: an urgent inquiry posted through the API shows up in an open queue
  without a reload, and still does after the server restarts (the EventSource comes
  back, with Last-Event-ID);
- two responders: one claims, the other sees who holds it and is refused a reply, in
  words on the page; the holder's reply reaches the citizen's status page; resolving
  takes the item out of the queue, live in the other responder's open queue too;
- duplicates: two reports from one contact are merged (one row, "2 件の報告") and split
  again (two rows); then the keyboard alone takes the next item and resolves it.
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, Request, expect

from tests.browser.console_helpers import (
    CLAIMED,
    LIVE_OFF,
    LIVE_ON,
    MERGED,
    RECONNECTED_MS,
    REPLY_QUEUED,
    REPORTS,
    RESOLVED,
    SPLIT,
    URGENT_TEXT,
    assert_not_reloaded,
    expect_row,
    flash,
    inquiry_path,
    mark_document,
    post_inquiry,
    row,
    second_responder,
)
from tests.browser.helpers import CONSOLE_PATH, StaffLogin
from tests.browser.live_server import LiveServer

ALICE, BOB = "alice", "bob"
PASSWORD = "correct horse battery"


def test_the_queue_shows_new_urgent_inquiries_live_across_a_server_restart(
    page: Page, live_server: LiveServer, staff_login: StaffLogin
) -> None:
    staff_login(page, live_server.base_url, ALICE, PASSWORD)
    live = page.locator("#live")
    expect(live).to_have_text(LIVE_ON)
    mark_document(page)
    feeds: list[Request] = []
    page.on("request", lambda r: feeds.append(r) if "/console/events" in r.url else None)

    first = post_inquiry(live_server.base_url, URGENT_TEXT)

    expect_row(page, first.id)
    expect(row(page, first.id)).to_contain_text("P1")
    assert_not_reloaded(page)

    live_server.stop()
    expect(live, "the page did not say it lost the feed").to_have_text(LIVE_OFF)
    live_server.start()
    # Posted as soon as the server answers: the browser may not be back on the feed
    # yet, and then the event reaches it as a replay from its Last-Event-ID.
    second = post_inquiry(live_server.base_url, "川の水があふれて車が流されそうです。助けて")

    expect_row(page, second.id)
    expect(live).to_have_text(LIVE_ON, timeout=RECONNECTED_MS)
    expect(row(page, first.id)).to_be_visible()
    assert_not_reloaded(page)
    # As sent on the wire (the browser's network stack adds the header itself).
    resumed = [h["last-event-id"] for h in (r.all_headers() for r in feeds) if "last-event-id" in h]
    assert resumed, "the browser reconnected without Last-Event-ID"
    assert all(int(value) > 0 for value in resumed), resumed


def test_a_claim_holds_off_a_second_responder_and_the_reply_reaches_the_citizen(
    page: Page, browser: Browser, live_server: LiveServer, staff_login: StaffLogin
) -> None:
    staff_login(page, live_server.base_url, ALICE, PASSWORD)
    posted = post_inquiry(live_server.base_url, URGENT_TEXT)
    expect_row(page, posted.id)

    row(page, posted.id).locator("a.open").click()
    expect(page).to_have_url(live_server.base_url + inquiry_path(posted.id))
    page.locator("#claim").click()
    expect(flash(page)).to_contain_text(CLAIMED)
    expect(page.locator("#holder")).to_have_text(ALICE)
    expect(page.locator("#release")).to_be_visible()

    with second_responder(browser, live_server, staff_login, BOB, PASSWORD) as bob:
        # Bob's queue is open at the same time; it shows who holds the item.
        expect(row(bob, posted.id)).to_contain_text(ALICE)
        mark_document(bob)

        bob_item = bob.context.new_page()
        bob_item.goto(inquiry_path(posted.id))
        expect(bob_item.locator("#holder")).to_have_text(ALICE)
        bob_item.locator("#reply-text").fill("ボブからの返信です")
        bob_item.locator("#send-reply").click()
        expect(bob_item.locator(".flash-error")).to_contain_text(f"already claimed by {ALICE}")
        expect(bob_item.locator("#holder")).to_have_text(ALICE)
        bob_item.locator("#claim").click()
        expect(bob_item.locator(".flash-error")).to_contain_text(f"already claimed by {ALICE}")

        answer = "救助隊が向かっています。2階の窓から布を振ってください。"
        page.locator("#reply-text").fill(answer)
        page.locator("#send-reply").click()
        expect(flash(page)).to_contain_text(REPLY_QUEUED)
        expect(page.locator("#thread li.reply")).to_contain_text(answer)

        citizen = browser.new_context(locale="ja-JP").new_page()
        try:
            citizen.goto(posted.status_url)
            expect(citizen.get_by_text(answer)).to_be_visible()
            expect(citizen.get_by_text("ボブからの返信です")).to_have_count(0)
        finally:
            citizen.context.close()

        page.locator("select#outcome").select_option("helped")
        page.locator("#resolve").click()
        expect(page).to_have_url(live_server.base_url + CONSOLE_PATH)
        expect(flash(page)).to_contain_text(RESOLVED)
        expect(row(page, posted.id)).to_have_count(0)
        # Bob's open queue drops it by itself.
        expect(row(bob, posted.id)).to_have_count(0)
        assert_not_reloaded(bob)

    page.goto(f"{CONSOLE_PATH}?queue=all")
    expect(page.locator("#queue caption")).to_be_visible()
    expect(row(page, posted.id)).to_have_count(0)
    page.goto(inquiry_path(posted.id))
    expect(page.locator("#status")).to_have_attribute("data-status", "resolved")
    expect(page.locator("#history")).to_contain_text("helped")
    expect(page.locator("#reopen")).to_be_visible()


def test_duplicates_merge_and_split_then_the_keyboard_alone_resolves_the_next_item(
    page: Page, live_server: LiveServer, staff_login: StaffLogin
) -> None:
    contact = "+819012345678"
    staff_login(page, live_server.base_url, ALICE, PASSWORD)
    first = post_inquiry(live_server.base_url, URGENT_TEXT, contact=contact)
    second = post_inquiry(
        live_server.base_url, "まだ助けが来ません。水が胸まで来ています。助けて", contact=contact
    )
    expect_row(page, first.id)
    expect_row(page, second.id)

    page.goto(inquiry_path(first.id))
    duplicate = page.locator(f'input[name="inquiry_ids"][value="{second.id}"]')
    duplicate.check()
    page.locator("#merge").click()
    expect(flash(page)).to_contain_text(MERGED)
    expect(page.locator("#split")).to_be_visible()

    page.goto(CONSOLE_PATH)
    expect(row(page, first.id)).to_contain_text(f"2 {REPORTS}")
    expect(row(page, second.id)).to_have_count(0)

    page.goto(inquiry_path(first.id))
    page.locator("#split").click()
    expect(flash(page)).to_contain_text(SPLIT)
    expect(page.locator("#split")).to_have_count(0)

    page.goto(CONSOLE_PATH)
    expect(row(page, first.id)).to_be_visible()
    expect(row(page, second.id)).to_be_visible()
    expect(page.locator("#queue")).not_to_contain_text(REPORTS)

    # From here on, the keyboard only.
    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#help")).to_be_hidden()

    page.keyboard.press("n")
    expect(page).to_have_url(re.compile(f"/console/inquiries/({first.id}|{second.id})$"))
    taken = page.url.rsplit("/", 1)[1]
    expect(flash(page)).to_contain_text(CLAIMED)
    expect(page.locator("#holder")).to_have_text(ALICE)

    page.keyboard.press("e")
    outcome = page.locator("select#outcome")
    expect(outcome).to_be_focused()
    page.keyboard.press("ArrowDown")  # helped → answered
    expect(outcome).to_have_value("answered")
    page.keyboard.press("Control+Enter")

    expect(page).to_have_url(live_server.base_url + CONSOLE_PATH)
    expect(flash(page)).to_contain_text(RESOLVED)
    expect(row(page, taken)).to_have_count(0)
    other = second.id if taken == first.id else first.id
    expect(row(page, other)).to_be_visible()
    page.goto(inquiry_path(taken))
    expect(page.locator("#status")).to_have_attribute("data-status", "resolved")
    expect(page.locator("#history")).to_contain_text("answered")
