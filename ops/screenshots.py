"""Screenshots of the responder console and the citizen's status page, for the docs.

    .venv/bin/python -m ops.screenshots [--out docs/screenshots] [--full-page DIR]

Starts the real service the way the browser tests do (tests/browser/live_server.py:
`triage serve` and one triage worker, on a throw-away TRIAGE_HOME with SQLite and an
embedded Redis), makes two responders, posts a dozen realistic inquiries through the
public API (Japanese, easy Japanese, English, Vietnamese, Chinese, Portuguese; several
naming places on the Noto peninsula, so they have coordinates), waits until the worker
has triaged them all, claims and answers a few, and saves 1366×900 PNGs:

    console-login, console-queue, console-inquiry, console-overview, console-map,
    console-handover, console-help, status-page

and, on a 390×844 phone screen (whole pages): phone-form-easy, phone-status-urgent,
phone-status-answered (Vietnamese, the place in romaji), phone-status-resolved.

The map has no background tiles here (TRIAGE_MAP_TILE_URL is empty: no internet), which
is how it looks offline; the points still show. Needs /usr/bin/chromium and playwright,
as the browser tests do. `--full-page DIR` also keeps whole-page shots, for review.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright

from playbooks.seed import seed_default_playbooks
from tests.browser.helpers import ensure_staff, sign_in
from tests.browser.live_server import LiveServer
from triage.auth import service as auth_service
from triage.auth.tables import Role
from triage.core.db import make_engine, make_session_factory
from triage.core.redis_conn import redis_url_of, start_embedded_redis
from triage.core.settings import Settings
from triage.operations.migrate import upgrade_database

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
VIEWPORT: ViewportSize = {"width": 1366, "height": 900}
TRIAGE_DEADLINE_SECONDS = 120.0  # the worker warms its model up first
RESPONDER, COLLEAGUE, COORDINATOR = "sato", "suzuki", "tanaka"
PASSWORD = "screenshots only, not a real one"
SAME_SENDER = "+819012345678"

# (text, contact): what people send on a bad night.
INQUIRIES: list[tuple[str, str | None]] = [
    ("家が浸水して2階に閉じ込められています。七尾市府中町です。助けてください", SAME_SENDER),
    ("輪島市河井町で家が倒壊して、祖母が下敷きになっています。息が苦しいと言っています", None),
    (
        "I'm a tourist in Wajima. The road is blocked and my friend broke his leg. Please help.",
        None,
    ),
    ("Tôi đang ở Nanao, nhà bị ngập nước. Tôi không biết đi đâu. Xin hãy giúp tôi.", None),
    ("わたしは すずしに います。みずが ありません。こどもが ふたり います。", None),
    ("穴水町の母が透析を受けられていません。薬もあと1日分しかありません", "hanako@example.jp"),
    ("我在轮岛市，停电了，手机快没电了。哪里可以充电？", None),
    ("七尾市の避難所はどこですか？高齢の父と一緒です", None),
    ("給水車は志賀町にいつ来ますか", None),
    ("Estou em Nanao com minha família. Precisamos de água e comida para três crianças.", None),
    ("能登町の県道が崩れて通れません。車が3台立ち往生しています", None),
    ("無事に避難所に着きました。ありがとうございました", None),
    ("水がどんどん上がってきています。まだ誰も来ません。七尾市府中町の2階です", SAME_SENDER),
]
ANSWER = "救助隊が向かっています。2階の窓から明かりや布で合図してください。"


class ShotServer(LiveServer):
    """The browser tests' live server, without map tiles (there is no internet here)."""

    @property
    def env(self) -> dict[str, str]:
        # Meant to switch tiles off; today Settings' env_ignore_empty drops an empty
        # value and the default tile server stays (its requests are refused in shoot()).
        return {**super().env, "TRIAGE_MAP_TILE_URL": ""}


@dataclass(frozen=True)
class Shots:
    out: Path
    full_page: Path | None

    def save(self, page: Page, name: str) -> None:
        page.screenshot(path=str(self.out / f"{name}.png"))
        if self.full_page is not None:
            page.screenshot(path=str(self.full_page / f"{name}.png"), full_page=True)
        print(f"  {name}.png")


def token_for(settings: Settings, name: str) -> str:
    """A bearer token for an account made with ensure_staff (for the API calls)."""
    engine = make_engine(settings)
    try:
        with make_session_factory(engine)() as session:
            user = auth_service.user_by_name(name, session=session)
            assert user is not None
            token = auth_service.issue_token(user, session=session)
            session.commit()
    finally:
        engine.dispose()
    return token


def post_all(client: httpx.Client) -> list[dict[str, str]]:
    posted = []
    for text, contact in INQUIRIES:
        body = {"text": text, **({"contact": contact} if contact else {})}
        response = client.post("/api/v1/inquiries", json=body)
        response.raise_for_status()
        posted.append(response.json())
    return posted


def wait_for_triage(client: httpx.Client, token: str, ids: list[str]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    deadline = time.monotonic() + TRIAGE_DEADLINE_SECONDS
    waiting = set(ids)
    while waiting:
        if time.monotonic() > deadline:
            raise SystemExit(f"not triaged within {TRIAGE_DEADLINE_SECONDS} s: {sorted(waiting)}")
        for inquiry_id in list(waiting):
            answer = client.get(f"/api/v1/inquiries/{inquiry_id}", headers=headers).json()
            if answer["status"] != "received":
                waiting.discard(inquiry_id)
        time.sleep(0.5)


def shoot(browser: Browser, server: LiveServer, settings: Settings, shots: Shots) -> None:
    context = browser.new_context(
        base_url=server.base_url, locale="ja-JP", timezone_id="Asia/Tokyo", viewport=VIEWPORT
    )
    context.set_default_timeout(15_000)
    # No internet here: refuse the default tile server at once rather than wait on it.
    context.route("https://cyberjapandata.gsi.go.jp/**", lambda route: route.abort())
    page = context.new_page()
    page.goto("/console/login")
    shots.save(page, "console-login")

    engine = make_engine(settings)
    sessions = make_session_factory(engine)
    for name in (RESPONDER, COLLEAGUE):
        ensure_staff(sessions, name, PASSWORD, Role.RESPONDER)
    engine.dispose()
    colleague = token_for(settings, COLLEAGUE)
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        posted = post_all(client)
        ids = [p["id"] for p in posted]
        wait_for_triage(client, colleague, ids)
        # A colleague holds the Wajima collapse, so the queue shows a holder.
        client.post(
            f"/api/v1/inquiries/{ids[1]}/claim", headers={"Authorization": f"Bearer {colleague}"}
        ).raise_for_status()

    sign_in(page, server.base_url, RESPONDER, PASSWORD)
    expect(page.locator("#live")).to_be_visible()
    expect(page.locator(f'tr.row[data-id="{ids[0]}"]')).to_be_visible()
    shots.save(page, "console-queue")

    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    shots.save(page, "console-help")
    page.keyboard.press("Escape")

    page.goto(f"/console/inquiries/{ids[0]}")
    page.locator("#claim").click()
    page.locator("#reply-text").fill(ANSWER)
    page.locator("#send-reply").click()
    expect(page.locator("#thread li.reply")).to_be_visible()
    shots.save(page, "console-inquiry")

    page.goto("/console/overview")
    shots.save(page, "console-overview")

    with page.expect_response(lambda r: r.url.endswith("/console/map.json")):
        page.goto("/console/map")
    page.wait_for_timeout(1500)  # Leaflet's fit-to-points zoom animation
    shots.save(page, "console-map")

    page.goto("/console/handover")
    shots.save(page, "console-handover")

    page.goto(posted[0]["status_url"])
    expect(page.get_by_text(ANSWER)).to_be_visible()
    shots.save(page, "status-page")
    context.close()
    shoot_coordinator(browser, server, settings, shots)
    shoot_citizen_phone(browser, server, settings, shots)


PHONE: ViewportSize = {"width": 390, "height": 844}


def shoot_citizen_phone(
    browser: Browser, server: LiveServer, settings: Settings, shots: Shots
) -> None:
    """The citizen's side on a phone: the form, and the status page in each state."""
    context = browser.new_context(
        base_url=server.base_url, locale="ja-JP", timezone_id="Asia/Tokyo", viewport=PHONE
    )
    page = context.new_page()

    def save(name: str) -> None:
        page.screenshot(path=str(shots.out / f"{name}.png"), full_page=True)
        print(f"  {name}.png")

    page.goto("/?lang=easy")
    save("phone-form-easy")
    staff = {"Authorization": f"Bearer {token_for(settings, RESPONDER)}"}
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        urgent = client.post(
            "/api/v1/inquiries", json={"text": "家が潰れて父が下敷きになっています。七尾市府中町"}
        ).json()
        routine = client.post(
            "/api/v1/inquiries", json={"text": "Nơi sơ tán gần nhất ở Wajima ở đâu?"}
        ).json()
        page.goto(urgent["status_url"] + "?lang=en")
        expect(page.locator(".stage-urgent")).to_be_visible(timeout=60_000)
        save("phone-status-urgent")
        page.goto(routine["status_url"] + "?lang=vi")
        expect(page.locator(".stage-answered")).to_be_visible(timeout=60_000)
        save("phone-status-answered")
        inquiry = f"/api/v1/inquiries/{urgent['id']}"
        client.post(f"{inquiry}/claim", headers=staff).raise_for_status()
        client.post(f"{inquiry}/reply", json={"text": ANSWER}, headers=staff).raise_for_status()
        client.post(f"{inquiry}/resolve", json={"outcome": "helped"}, headers=staff)
        page.goto(urgent["status_url"])
        expect(page.locator(".stage-resolved")).to_be_visible()
        save("phone-status-resolved")
    context.close()


def shoot_coordinator(
    browser: Browser, server: LiveServer, settings: Settings, shots: Shots
) -> None:
    """The coordinator's side: the playbook list, one playbook being edited with a
    stale translation, and the shelter status page."""
    seed_default_playbooks(settings)
    engine = make_engine(settings)
    sessions = make_session_factory(engine)
    ensure_staff(sessions, COORDINATOR, PASSWORD, Role.COORDINATOR)
    engine.dispose()
    context = browser.new_context(
        base_url=server.base_url, locale="ja-JP", timezone_id="Asia/Tokyo", viewport=VIEWPORT
    )
    page = context.new_page()
    sign_in(page, server.base_url, COORDINATOR, PASSWORD)
    page.goto("/console/playbooks")
    shots.save(page, "console-playbooks")
    page.goto("/console/playbooks/water_food_distribution")
    answer = page.locator("#answer_ja")
    answer.fill(answer.input_value() + "\n本日は午後5時まで配布します。")
    page.locator("#save").click()
    expect(page.locator("#stale")).to_be_visible()
    shots.save(page, "console-playbook-editor")
    page.goto("/console/shelters?q=七尾")
    shots.save(page, "console-shelters")
    context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--full-page", type=Path, default=None, help="also whole-page shots here")
    args = parser.parse_args()
    shots = Shots(out=args.out, full_page=args.full_page)
    for directory in (shots.out, shots.full_page):
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="triage-screenshots-") as tmp:
        home = Path(tmp)
        settings = Settings(
            home=home, database_url=f"sqlite:///{home / 'triage.db'}", map_tile_url=""
        )
        upgrade_database(settings)
        redis_conn = start_embedded_redis(home / "redis")
        (home / "logs").mkdir()
        server = ShotServer(
            settings=settings, redis_url=redis_url_of(redis_conn), log_dir=home / "logs"
        )
        try:
            server.start()
            server.start_worker()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
                )
                print(f"screenshots into {shots.out}:")
                shoot(browser, server, settings, shots)
                browser.close()
        except BaseException:
            print(server.logs())
            raise
        finally:
            server.close()
            redis_conn.shutdown(nosave=True)


if __name__ == "__main__":
    main()
