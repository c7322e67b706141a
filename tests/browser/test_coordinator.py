"""The coordinator's workspace in a real browser, against the real server and worker.

One flow, as a coordinator goes through it on the day (a server start is most of a
browser test's time):

- the shipped playbooks are in the database; a citizen asking where to get water gets
  the water/food playbook's answer, automatically;
- the coordinator edits that playbook's Japanese answer and saves: every other language
  is marked for review; the impact replay runs over the stored inquiries; the preview
  shows the new sentence with the mandatory 119 footer; publishing with the fallback
  policy for the stale languages makes the very next matching inquiry get the new
  text on the citizen's status page; rolling back (publishing version 1 again) makes the
  next one get the old text again;
- shelters: marking one closed on /console/shelters is what the API then reports.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy.orm import Session, sessionmaker

from playbooks.seed import seed_default_playbooks
from tests.browser.console_helpers import TRIAGED_MS, Posted, post_inquiry
from tests.browser.helpers import StaffLogin, ensure_staff
from tests.browser.live_server import LiveServer
from triage.auth import service as auth_service
from triage.auth.tables import Role
from triage.core.settings import Settings

COORDINATOR, RESPONDER = "carol", "reader"
PASSWORD = "correct horse battery"
PLAYBOOK = "water_food_distribution"
# Appended to the Japanese answer: no other answer of any playbook says it.
NEW_SENTENCE = "本日は七尾市役所前にも給水車が来ています（試験運用）。"
FOOTER_119 = "119番"  # playbooks/render.py FOOTERS["ja"]
STALE_TAG = "⚠ 要確認"  # triage/console/texts.py needs_review
# Three different texts (each one a new conversation) that match the playbook.
BEFORE_TEXT = "飲み水はどこでもらえますか"
AFTER_PUBLISH_TEXT = "給水はどこでもらえますか"
AFTER_ROLLBACK_TEXT = "給水車はどこに来ますか"
SHELTER_QUERY = "七尾東雲"  # 県立七尾東雲高等学校, 七尾市 (the shipped gazetteer)
# A form post that replays inquiries or renders every language may take seconds on a
# loaded 2-core machine: a deadline for what must happen, not a speed gauge.
UI_MS = 30_000
# The first inquiry waits for the worker's model warm-up too, at low priority (nice 10):
# on a machine whose cores are busy with other tests that takes far longer than triage.
FIRST_TRIAGED_MS = 120_000
POLL_SECONDS = 0.2


def _done(page: Page) -> Locator:
    """A success flash (an error one is role=alert, as is the #stale warning)."""
    return page.locator("p.flash[role=status]")


def _issue_token(session_factory: sessionmaker[Session], name: str, role: Role) -> str:
    """A bearer token for the staff API, for an account in the live server's database."""
    ensure_staff(session_factory, name, PASSWORD, role)
    with session_factory() as session:
        user = auth_service.user_by_name(name, session=session)
        assert user is not None
        token = auth_service.issue_token(user, session=session)
        session.commit()
    return token


def _answered(base_url: str, token: str, posted: Posted, wait_ms: int) -> dict[str, Any]:
    """The inquiry through the staff API once it is routed and its first reply exists."""
    deadline = time.monotonic() + wait_ms / 1000
    headers = {"Authorization": f"Bearer {token}"}
    detail: dict[str, Any] = {}
    while time.monotonic() < deadline:
        response = httpx.get(f"{base_url}/api/v1/inquiries/{posted.id}", headers=headers)
        assert response.status_code == 200, response.text
        detail = response.json()
        if detail["route"] is not None and detail["replies"]:
            return detail
        time.sleep(POLL_SECONDS)
    raise AssertionError(f"{posted.id} got no reply within {wait_ms} ms: {detail}")


def _auto_reply_text(base_url: str, token: str, posted: Posted, wait_ms: int = TRIAGED_MS) -> str:
    """The one automatic reply, after checking it came from the playbook by itself."""
    detail = _answered(base_url, token, posted, wait_ms)
    assert detail["route"] == "auto_reply", detail
    assert detail["playbook_id"] == PLAYBOOK, detail
    [reply] = detail["replies"]
    assert reply["author"] == "playbook" and reply["playbook_id"] == PLAYBOOK, reply
    text: str = reply["text"]
    return text


def _citizen_sees(browser: Browser, posted: Posted, words: str, *, shown: bool) -> None:
    """The citizen's own status page (a browser of their own) shows the words, or not."""
    citizen = browser.new_context(locale="ja-JP").new_page()
    try:
        citizen.goto(posted.status_url)
        expect(citizen.locator("p", has_text=FOOTER_119)).to_be_visible(timeout=UI_MS)
        expect(citizen.get_by_text(words)).to_have_count(1 if shown else 0)
    finally:
        citizen.context.close()


def test_a_coordinator_edits_publishes_and_rolls_back_and_closes_a_shelter(
    page: Page,
    browser: Browser,
    live_server: LiveServer,
    staff_login: StaffLogin,
    settings: Settings,
    session_factory: sessionmaker[Session],
) -> None:
    base = live_server.base_url
    assert seed_default_playbooks(settings) > 0
    reader = _issue_token(session_factory, RESPONDER, Role.RESPONDER)
    # Before signing in: a password reset (ensure_staff) would end the browser's session.
    coordinator = _issue_token(session_factory, COORDINATOR, Role.COORDINATOR)
    # Posted first: the worker's model warm-up overlaps the editing below.
    before = post_inquiry(base, BEFORE_TEXT)
    staff_login(page, base, COORDINATOR, PASSWORD, role=Role.COORDINATOR)

    page.goto(f"/console/playbooks?q={PLAYBOOK}")
    page.locator(f'a[href="/console/playbooks/{PLAYBOOK}"]').first.click()
    expect(page).to_have_url(f"{base}/console/playbooks/{PLAYBOOK}")
    expect(page.locator("#stale")).to_have_count(0)
    answer_ja = page.locator("#answer_ja")
    old_answer = answer_ja.input_value()
    assert NEW_SENTENCE not in old_answer
    answer_ja.fill(old_answer + NEW_SENTENCE)
    page.locator("#note").fill("給水車の場所を追記")
    page.locator("#save").click()

    expect(_done(page)).to_contain_text("版 2 を保存しました", timeout=UI_MS)
    expect(page.locator("#answer_ja")).to_have_value(old_answer + NEW_SENTENCE)
    stale = page.locator("#stale")
    expect(stale).to_be_visible()
    expect(stale).to_contain_text("en")
    expect(stale).not_to_contain_text("ja,")
    for language in ("en", "ja-easy", "zh", "ko"):
        expect(page.locator(f"#lang-{language} legend")).to_contain_text(STALE_TAG)
    expect(page.locator("#lang-ja legend")).not_to_contain_text(STALE_TAG)
    expect(page.locator("#confirm")).to_be_visible()

    # The first citizen got version 1; the replay below has that inquiry to go over.
    old_reply = _auto_reply_text(base, reader, before, FIRST_TRIAGED_MS)
    assert old_answer.split("{municipality}")[0] in old_reply, old_reply
    assert NEW_SENTENCE not in old_reply and FOOTER_119 in old_reply

    page.locator("#impact-button").click()
    impact = page.locator("#impact")
    expect(impact).to_be_visible(timeout=UI_MS)
    expect(impact.locator("h2")).to_contain_text("対象の問い合わせ 1")  # replayed
    would_answer = impact.locator("tbody tr").first.locator("td").first
    expect(would_answer).to_have_text("1")
    preview = page.locator("#preview pre.answer", has_text=NEW_SENTENCE)
    expect(preview).to_have_count(1)  # Japanese only: the other languages did not change
    expect(preview).to_contain_text(FOOTER_119)

    policy = page.locator('form:has(#publish-2) select[name="stale"]')
    expect(policy).to_be_visible()
    expect(page.locator('form:has(#publish-1) select[name="stale"]')).to_have_count(0)
    policy.select_option("fallback")
    page.locator("#publish-2").click()
    expect(_done(page)).to_contain_text("版 2 を公開しました", timeout=UI_MS)
    expect(page.locator("h1")).to_contain_text("公開中 2")

    after_publish = post_inquiry(base, AFTER_PUBLISH_TEXT)
    new_reply = _auto_reply_text(base, reader, after_publish)
    assert NEW_SENTENCE in new_reply and FOOTER_119 in new_reply, new_reply
    _citizen_sees(browser, after_publish, NEW_SENTENCE, shown=True)

    page.locator("#publish-1").click()  # roll back: version 1 again
    expect(_done(page)).to_contain_text("版 1 を公開しました", timeout=UI_MS)
    expect(page.locator("h1")).to_contain_text("公開中 1")

    after_rollback = post_inquiry(base, AFTER_ROLLBACK_TEXT)
    rolled_back_reply = _auto_reply_text(base, reader, after_rollback)
    assert rolled_back_reply == old_reply  # the same words as before the edit
    _citizen_sees(browser, after_rollback, NEW_SENTENCE, shown=False)

    # Shelters: close one on the page, and the API says so.
    page.goto(f"/console/shelters?q={SHELTER_QUERY}")
    row = page.locator('table.shelters tbody tr[id^="shelter-"]').first
    expect(row).to_be_visible(timeout=UI_MS)
    shelter_id = (row.get_attribute("id") or "").removeprefix("shelter-")
    assert shelter_id
    row.locator('select[name="state"]').select_option("closed")
    row.locator('input[name="note"]').fill("断水のため閉鎖")
    row.get_by_role("button", name="保存").click()
    expect(_done(page)).to_contain_text(f"{shelter_id} closed", timeout=UI_MS)
    expect(page.locator(f"#shelter-{shelter_id}")).to_have_attribute("data-state", "closed")

    response = httpx.get(
        f"{base}/api/v1/shelters",
        params={"q": SHELTER_QUERY},
        headers={"Authorization": f"Bearer {coordinator}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    [shelter] = [s for s in response.json() if s["shelter_id"] == shelter_id]
    assert shelter["state"] == "closed", shelter
    assert shelter["note"] == "断水のため閉鎖" and shelter["updated_by"] == COORDINATOR, shelter
