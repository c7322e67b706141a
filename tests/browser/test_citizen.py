"""The citizen's side in a real browser, on a phone-sized screen, against the real server
and worker (one server start: most of a browser test's time).

- the form in each of the twelve languages, chosen by `?lang=` and, with none, by the
  browser's Accept-Language; the 119/110 banner in the page's own language;
- a citizen sends an urgent message and keeps the status page open: without reloading,
  it goes from "received" to "urgent" (with what to do while waiting), shows the
  responder's words, then "finished" with how it ended, as a responder acts through the
  staff API;
- with JavaScript off the status page still works and refreshes itself;
- axe-core (from the `axe-playwright-python` package) finds no WCAG 2.2 A/AA violation
  on the form and the status page.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, ViewportSize, expect
from sqlalchemy.orm import Session, sessionmaker

from channels.web.texts import LANGUAGES, texts_for
from tests.browser.console_helpers import TRIAGED_MS, assert_not_reloaded, mark_document
from tests.browser.helpers import ensure_staff
from tests.browser.live_server import LiveServer
from triage.auth import service as auth_service
from triage.auth.tables import Role

PHONE: ViewportSize = {"width": 390, "height": 844}
URGENT_TEXT = "家が潰れて父が下敷きになっています。七尾市の府中町です"
RESPONDER_WORDS = "救助隊がそちらに向かっています。声を出し続けてください。"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LIVE_MS = 20_000


def _token(session_factory: sessionmaker[Session]) -> str:
    ensure_staff(session_factory, "aoi", "correct horse battery", Role.RESPONDER)
    with session_factory() as session:
        user = auth_service.user_by_name("aoi", session=session)
        assert user is not None
        token = auth_service.issue_token(user, session=session)
        session.commit()
    return token


def _no_violations(page: Page, where: str) -> None:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert results.violations_count == 0, f"{where}: {results.generate_report()}"


def test_a_citizen_follows_an_urgent_inquiry_live_in_their_language(
    browser: Browser,
    live_server: LiveServer,
    session_factory: sessionmaker[Session],
    shots_dir: Path,
) -> None:
    base = live_server.base_url
    phone = browser.new_context(
        base_url=base, locale="ja-JP", timezone_id="Asia/Tokyo", viewport=PHONE
    )
    page = phone.new_page()

    for lang in LANGUAGES:
        texts = texts_for(lang)[1]
        page.goto(f"/?lang={lang}")
        expect(page.locator("html")).to_have_attribute("lang", texts["html_lang"])
        expect(page.locator(".emergency")).to_contain_text(texts["emergency"])
        expect(page.locator('label[for="text"]')).to_have_text(texts["text_label"])
        expect(page.locator("#use-location")).to_have_class("secondary")
        if lang in ("ja", "easy", "en", "vi"):
            page.screenshot(path=str(shots_dir / f"citizen-form-{lang}.png"), full_page=True)
    _no_violations(page, "form (vi)")

    korean = browser.new_context(base_url=base, locale="ko-KR", viewport=PHONE)
    korean_page = korean.new_page()
    korean_page.goto("/")
    expect(korean_page.locator("html")).to_have_attribute("lang", "ko")
    korean.close()

    page.goto("/?lang=en")
    _no_violations(page, "form (en)")
    page.locator("#text").fill(URGENT_TEXT)
    page.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/status/[^/?]+"))
    en = texts_for("en")[1]
    live = page.locator("#live")
    mark_document(page)
    expect(live).to_contain_text(en["stage_urgent"], timeout=TRIAGED_MS)
    expect(live).to_contain_text(en["urgent_advice_title"])
    expect(page.locator("#live-note")).to_have_text(en["live_note"])
    page.screenshot(path=str(shots_dir / "citizen-status-urgent.png"), full_page=True)
    _no_violations(page, "status page (urgent)")

    token = page.url.split("/status/")[1].split("?")[0]
    staff = {"Authorization": f"Bearer {_token(session_factory)}"}
    detail = httpx.get(f"{base}/status/{token}", headers={"Accept": "application/json"}).json()
    inquiry = f"{base}/api/v1/inquiries/{detail['id']}"
    assert httpx.post(f"{inquiry}/claim", headers=staff).status_code == 200
    said = httpx.post(f"{inquiry}/reply", json={"text": RESPONDER_WORDS}, headers=staff)
    assert said.status_code == 202, said.text
    expect(live).to_contain_text(RESPONDER_WORDS, timeout=LIVE_MS)
    done = httpx.post(f"{inquiry}/resolve", json={"outcome": "helped"}, headers=staff)
    assert done.status_code == 200, done.text
    expect(live).to_contain_text(en["stage_resolved"], timeout=LIVE_MS)
    expect(live).to_contain_text(en["outcome_helped"])
    assert_not_reloaded(page)  # every change arrived live
    page.screenshot(path=str(shots_dir / "citizen-status-resolved.png"), full_page=True)

    no_script = browser.new_context(base_url=base, java_script_enabled=False, viewport=PHONE)
    plain = no_script.new_page()
    plain.goto(f"/status/{token}?lang=easy")
    easy = texts_for("easy")[1]
    expect(plain.locator("#live")).to_contain_text(easy["stage_resolved"])
    expect(plain.locator("#live-note")).to_have_text(easy["refresh_note"])
    refresh = plain.locator('noscript meta[http-equiv="refresh"]')
    assert refresh.count() == 1
    no_script.close()
    phone.close()
