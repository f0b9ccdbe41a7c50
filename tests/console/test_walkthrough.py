"""The issue's walk-through, as a new user would do it, in a real browser: `haven serve`,
upload a video through the API, find it in the console queue with its signals, decide as a
moderator, fetch the user's statement of reasons, appeal, reverse it as another moderator;
`haven audit verify` passes, and fails once a row is edited by hand. On SQLite and PostgreSQL."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait
from tests.console.conftest import PASSWORD, Screenshots, Served

from haven.store.database import Database

CAPTION = "you're a worthless loser, nobody likes you"


def _upload(served: Served, key: str, clip: Path) -> str:
    with clip.open("rb") as video:
        posted = httpx.post(
            f"{served.base}/v1/content/media",
            headers={"X-API-Key": key},
            files={"file": ("clip.mp4", video, "video/mp4")},
            data={"caption": CAPTION, "author_id": "creator-7", "external_id": "v-7"},
            timeout=60,
        )
    assert posted.status_code == 202, posted.text
    content_id = posted.json()["id"]
    deadline = time.monotonic() + 120
    while True:
        state = httpx.get(
            f"{served.base}/v1/content/{content_id}", headers={"X-API-Key": key}
        ).json()
        if state["state"] != "pending":
            return content_id
        assert time.monotonic() < deadline, "the embedded worker did not scan the upload"
        time.sleep(0.2)


def _sign_in(driver: webdriver.Chrome, served: Served, username: str) -> None:
    driver.delete_all_cookies()
    driver.get(f"{served.base}/console/queues")
    assert "/console/login" in driver.current_url  # a page behind the login sends you there
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    _submit(driver, "sign-in")
    WebDriverWait(driver, 10).until(expected_conditions.url_contains("/console/queues"))


def _submit(driver: webdriver.Chrome, button_id: str) -> None:
    """Click a form's button and wait until the page it leads to has loaded. (The old page is
    marked in JS: waiting for an element to go stale races the navigation in Chromium.)"""
    driver.execute_script("window.havenOldPage = true")
    driver.find_element(By.ID, button_id).click()
    WebDriverWait(driver, 15, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script(
            "return document.readyState === 'complete' && !window.havenOldPage"
        )
    )


def _filter(driver: webdriver.Chrome, element_id: str) -> str:
    return driver.execute_script(
        "return getComputedStyle(document.querySelector(arguments[0])).filter", element_id
    )


def test_upload_review_decide_appeal_reverse_and_audit(
    served: Served, browser: webdriver.Chrome, screenshots: Screenshots, demo_clip: Path
) -> None:
    driver = browser
    key = served.platform_key("clips")
    for username, role in (
        ("mod-ana", "moderator"),
        ("mod-ben", "moderator"),
        ("admin-cy", "admin"),
    ):
        served.add_staff(username, role)

    # The platform uploads a flashing video with a bullying caption; the scan holds it.
    content_id = _upload(served, key, demo_clip)

    # A moderator finds it in the harassment queue.
    _sign_in(driver, served, "mod-ana")
    row = driver.find_element(By.CSS_SELECTOR, 'tr[data-queue="harassment_bullying"]')
    assert row.find_element(By.CLASS_NAME, "count").text == "1"
    screenshots.take(driver, "queues")
    row.find_element(By.CLASS_NAME, "claim-next").click()
    WebDriverWait(driver, 10).until(
        expected_conditions.url_contains(f"/console/cases/{content_id}")
    )
    assert driver.find_element(By.ID, "holder").text == "you"

    # The case page: the player with captions, the flash segment on its timeline, the signals.
    video = driver.find_element(By.ID, "player")
    assert video.get_attribute("muted") == "true"
    track = driver.find_element(By.CSS_SELECTOR, "#player track")
    assert track.get_attribute("kind") == "captions"
    segment = driver.find_element(By.CSS_SELECTOR, ".timeline .flash.fail")
    assert segment.get_attribute("data-start") == "2.0"
    assert float(segment.value_of_css_property("width").removesuffix("px")) > 10  # placed by JS
    signals = driver.find_element(By.ID, "signals").text
    assert "Photosensitivity: fail" in signals
    assert "0:02.0–0:04.0" in signals
    assert "Harassment and bullying" in signals
    assert "Welcome to Haven" in driver.find_element(By.ID, "transcript").text
    marks = [
        m.get_attribute("textContent")
        for m in driver.find_elements(By.CSS_SELECTOR, "#signals mark")
    ]
    assert marks == ["loser", "nobody likes you"]
    # The media is blurred and grey until the moderator asks to see it.
    assert "blur" in _filter(driver, "#player") and "grayscale" in _filter(driver, "#player")
    screenshots.take(driver, "case-shielded")
    driver.find_element(By.CSS_SELECTOR, "#media-shield [data-reveal]").click()
    assert _filter(driver, "#player") == "none"
    # The video itself is served to the player, and the seek buttons move it.
    WebDriverWait(driver, 20).until(
        lambda d: d.execute_script("return document.getElementById('player').readyState") >= 1
    )
    driver.find_element(By.CSS_SELECTOR, "ul.flash-segments .seek").click()
    assert driver.execute_script("return document.getElementById('player').currentTime") == 2.0
    screenshots.take(driver, "case-revealed")

    # Decide: remove, with the facts and the rule.
    Select(driver.find_element(By.ID, "outcome")).select_by_value("remove")
    driver.find_element(By.ID, "explanation").send_keys("The caption insults another user.")
    driver.find_element(By.ID, "ground-reference").send_keys("Community Guidelines, harassment")
    _submit(driver, "decide")
    history = driver.find_element(By.ID, "history").text
    assert "v2 · remove by moderator:mod-ana" in history
    assert "This case is closed." in driver.find_element(By.ID, "actions").text
    screenshots.take(driver, "decided")

    # The platform fetches the statement of reasons it shows the creator.
    headers = {"X-API-Key": key}
    statement = httpx.get(
        f"{served.base}/v1/content/{content_id}/statement", headers=headers
    ).json()
    assert statement["restriction"]["kinds"]
    assert statement["facts_and_circumstances"] == "The caption insults another user."
    assert statement["ground"]["reference"] == "Community Guidelines, harassment"
    assert statement["automated_detection"] is True  # found by the scan, decided by a person
    assert statement["automated_decision"] == "partially"

    # The creator appeals; the first moderator may not decide it.
    appealed = httpx.post(
        f"{served.base}/v1/appeals",
        headers=headers,
        json={
            "content_id": content_id,
            "appellant_kind": "affected_user",
            "appellant_id": "creator-7",
            "reason": "It was a joke between friends.",
        },
    )
    assert appealed.status_code == 201, appealed.text
    driver.get(f"{served.base}/console/cases/{content_id}")
    _submit(driver, "claim")
    assert (
        "someone other than the first reviewer" in driver.find_element(By.ID, "action-error").text
    )
    screenshots.take(driver, "appeal-refused-to-first-reviewer")

    # Another moderator reverses it from the appeals queue; the content is restored.
    _sign_in(driver, served, "mod-ben")
    driver.get(f"{served.base}/console/queues/appeals")
    driver.find_element(By.CLASS_NAME, "claim-next").click()
    WebDriverWait(driver, 10).until(
        expected_conditions.url_contains(f"/console/cases/{content_id}")
    )
    assert "It was a joke between friends." in driver.find_element(By.ID, "actions").text
    driver.find_element(By.ID, "verdict-reverse").click()
    driver.find_element(By.ID, "appeal-explanation").send_keys(
        "Friendly banter between two adults, no target."
    )
    screenshots.take(driver, "appeal")
    _submit(driver, "decide-appeal")
    assert "v3 · keep by moderator:mod-ben" in driver.find_element(By.ID, "history").text
    current = httpx.get(f"{served.base}/v1/content/{content_id}", headers=headers).json()
    assert current["decision"]["outcome"] == "keep"
    assert current["decision"]["version"] == 3

    # The administrator searches the audit log for the content and verifies the chain.
    _sign_in(driver, served, "admin-cy")
    driver.get(f"{served.base}/console/audit?subject_type=content&subject_id={content_id}")
    kinds = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "table.audit td.kind")]
    for kind in (
        "content.submitted",
        "decision.made",
        "case.review_requested",
        "case.claimed",
        "case.decided",
        "case.appeal_received",
        "case.appeal_decided",
    ):
        assert kind in kinds, kinds
    screenshots.take(driver, "audit")
    _submit(driver, "verify-chain")
    assert driver.find_element(By.ID, "chain-result").text.startswith("Intact")
    assert served.haven("audit", "verify").returncode == 0

    # Someone with database access disables the append-only guard and edits a row by hand:
    # both the command and the console see it.
    database = Database(served.environ["HAVEN_DATABASE_URL"])
    with database.engine.begin() as connection:
        if database.kind == "sqlite":
            connection.exec_driver_sql("DROP TRIGGER audit_events_no_update")
        else:
            connection.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER USER")
        connection.exec_driver_sql(
            "UPDATE audit_events SET actor = 'moderator:nobody' WHERE kind = 'case.decided'"
        )
    database.dispose()
    tampered = served.haven("audit", "verify", check=False)
    assert tampered.returncode == 1, tampered.stdout + tampered.stderr
    driver.refresh()
    assert driver.find_element(By.ID, "chain-result").text.startswith("Broken")
    screenshots.take(driver, "audit-broken")
