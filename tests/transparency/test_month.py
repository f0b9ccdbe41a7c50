"""A month of generated activity through the real services, on SQLite and PostgreSQL: the
transparency report's figures match what the generator did; `haven report transparency` writes
JSON, CSV and an HTML page a person can read (screenshot kept in the artefacts); the statement
batch exported with `haven statements export --dry-run` is accepted in full by the local
server that enforces the database's rules; an invalid statement is never sent."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from selenium import webdriver
from selenium.webdriver.common.by import By
from tests.transparency import tdb_server
from tests.transparency.activity import PLATFORM, Tally, generate_month, restricts

from haven.access.roles import Reviewer, Role
from haven.cases import service as cases
from haven.cases.models import ReporterKind, ReportIn
from haven.cases.service import ReviewDecision
from haven.cli import main
from haven.clock import FixedClock
from haven.content.models import TextSubmission
from haven.content.service import check_text_now
from haven.decisions.models import Decision
from haven.runtime import Runtime
from haven.store.transactions import SqlStore
from haven.transparency import service as transparency
from haven.transparency.periods import parse_period
from haven.transparency.render import to_csv, to_html

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "transparency"
TOKEN = "tdb-token-month"


@pytest.fixture
def month(runtime: Runtime) -> Iterator[tuple[SqlStore, Tally, Decision]]:
    clock = FixedClock(datetime(2026, 6, 1, tzinfo=UTC))
    store = SqlStore(runtime.database, clock)
    tally = generate_month(store, clock, runtime.analyser, year=2026, month=6)
    # Activity in July must stay out of a June report.
    clock.advance(datetime(2026, 7, 2, tzinfo=UTC) - clock.now())
    july = check_text_now(
        store,
        runtime.analyser,
        platform=PLATFORM,
        # Held for review: a restriction, which a June report must not count.
        submission=TextSubmission(
            "buy followers now cheap click my link http://spam.example",
            "comment",
            author_id="user-j",
        ),
        actor="key:clips",
    )
    yield store, tally, july.decision


def _cli(runtime: Runtime, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(
        main, [*args, "--database", runtime.settings.database_url], env=env or {}
    )


def test_the_report_of_a_generated_month(
    runtime: Runtime,
    month: tuple[SqlStore, Tally, Decision],
    tmp_path: Path,
    browser: webdriver.Chrome,
    request: pytest.FixtureRequest,
) -> None:
    store, tally, _ = month
    report = transparency.transparency_report(
        store, platform=PLATFORM, period=parse_period("2026-06")
    )
    s = report["sections"]

    notices = s["notices"]
    assert notices["total"] == sum(tally.notices.values()) == 30
    assert notices["from_trusted_flaggers"] == tally.trusted_flagger_notices == 6
    assert notices["pending"] == tally.pending_notices == 6
    assert notices["action_terms_and_conditions"] == tally.removed_by_notice
    assert notices["no_action"] == tally.kept_after_notice
    assert notices["median_hours_to_act"] == tally.median_notice_hours
    assert {row["category"]: row["received"] for row in notices["by_category"]} == {
        "STATEMENT_CATEGORY_CYBER_VIOLENCE": tally.notices["harassment_bullying"],
        "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH": tally.notices["hate_speech"],
        "STATEMENT_CATEGORY_SCAMS_AND_FRAUD": tally.notices["spam_scams"],
        "STATEMENT_CATEGORY_VIOLENCE": tally.notices["violent_threats"],
    }

    own = s["own_initiative"]
    assert own["total"] == tally.own_initiative_restrictions > 0
    assert own["detected_automatically"] == own["total"]  # the machine found every one
    assert sum(c["count"] for c in own["by_category_detection_and_restriction"]) >= own["total"]

    complaints = s["complaints"]
    assert complaints["total"] == tally.complaints == 12
    assert (complaints["reversed"], complaints["upheld"], complaints["open"]) == (
        tally.reversed,
        tally.upheld,
        tally.open_complaints,
    )
    assert complaints["by_complainant"] == {"affected_user": 12}
    people = next(r for r in s["automated_means"]["indicators"] if r["automation"] == "fully")
    assert people["restrictive_decisions"] == sum(
        1
        for d in tally.automated
        if d.automation.value == "fully"
        and d.treatments
        and any(
            t["name"]
            in (
                "remove",
                "hold_for_review",
                "age_restrict",
                "not_recommended",
                "warning_screen",
                "info_banner",
                "unverified_label",
                "photosensitivity_warning",
            )
            for t in d.treatments
        )
    )
    assert s["orders"]["act_against_content"]["total"] == 2
    assert s["orders"]["provide_information"]["total"] == 1
    assert s["orders"]["act_against_content"]["median_hours_to_give_effect"] == 20.0
    assert s["suspensions"]["total"] == 2
    assert s["suspensions"]["manifestly_unfounded_notices"] == 1
    assert s["active_recipients"]["average_monthly"] == tally.recipients

    # Work done in July on June's pending notices does not rewrite June's report.
    with store.transaction(write=False) as tx:
        pending = [c.content_id for c in tx.cases.open_in() if c.report_ids]
    assert pending
    alice = Reviewer("moderator:alice", Role.MODERATOR)
    for content_id in pending:
        cases.claim(store, alice, content_id)
        cases.decide(
            store, alice, content_id, ReviewDecision("remove", "Late answer.", ground_reference="r")
        )
    again = transparency.transparency_report(
        store, platform=PLATFORM, period=parse_period("2026-06")
    )
    assert again["sections"] == s

    # The half year through the command: June's figures, five months without a recipient count.
    out = tmp_path / "report"
    result = _cli(
        runtime,
        "report",
        "transparency",
        "--platform",
        PLATFORM,
        "--period",
        "2026H1",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    written = json.loads(result.output)
    half = json.loads(Path(written["json"]).read_text())
    assert half["sections"]["notices"] == notices
    assert half["sections"]["active_recipients"]["months_missing"] == [
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
        "2026-05",
    ]
    # Five months without a figure: no six-month average, only the partial one, said so.
    assert half["sections"]["active_recipients"]["average_monthly"] is None
    assert half["sections"]["active_recipients"]["average_of_reported_months"] == tally.recipients
    with Path(written["csv"]).open() as table:
        rows = list(csv.DictReader(table))
    assert {
        "section": "notices",
        "part": "",
        "category": "",
        "dimension": "",
        "metric": "total",
        "value": "30",
    } in rows
    # The page a person reads: every section, the charts drawn, the figures in words.
    browser.get(Path(written["html"]).as_uri())
    headings = [h.text for h in browser.find_elements(By.TAG_NAME, "h2")]
    assert len(headings) == 8 and headings[1].startswith("2. Notices")
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg rect")) >= 8
    page_text = browser.find_element(By.TAG_NAME, "body").text
    assert "30 notices, 6 from trusted flaggers" in page_text
    assert "No average for the period: 5 of its months have no figure" in page_text
    folder = ARTIFACTS / request.node.name.replace("[", "-").rstrip("]")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    browser.set_window_size(1200, 1000)
    height = browser.execute_script("return document.body.scrollHeight")
    browser.set_window_size(1200, int(height) + 100)
    assert browser.save_screenshot(str(folder / "transparency-report-2026H1.png"))
    shutil.copy(written["html"], folder / "transparency-report-2026H1.html")


def test_the_month_s_statements_are_accepted_in_full_and_only_once(
    runtime: Runtime, month: tuple[SqlStore, Tally, Decision], tmp_path: Path
) -> None:
    _, tally, july = month
    dry = tmp_path / "statements.json"
    result = _cli(
        runtime, "statements", "export", "--platform", PLATFORM, "--dry-run", "--out", str(dry)
    )
    assert result.exit_code == 0, result.output
    body = json.loads(dry.read_text())["statements"]
    # One statement per restricting decision: the machine's, the moderators' removals and
    # the appeal decisions that restrict (none: reversals restore the content).
    restricting = tally.own_initiative_restrictions + tally.removed_by_notice
    assert len(body) == restricting + (1 if restricts(july) else 0)  # July's is due too
    assert {s["source_type"] for s in body} == {
        "SOURCE_VOLUNTARY",
        "SOURCE_ARTICLE_16",
        "SOURCE_TRUSTED_FLAGGER",  # every fifth notice came from a trusted flagger
    }
    # The public facts come from the record, never a moderator's own words.
    assert not any("insults another user by name" in s["decision_facts"] for s in body)
    assert all(tdb_server.rules_broken(s) == {} for s in body)

    server, url = tdb_server.start(TOKEN)
    try:
        env = {"HAVEN_TRANSPARENCY_DATABASE_URL": url, "HAVEN_TRANSPARENCY_DATABASE_TOKEN": TOKEN}
        result = _cli(runtime, "statements", "submit", "--platform", PLATFORM, env=env)
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["accepted"] == len(body)
        assert sorted(server.database.stored) == sorted(s["puid"] for s in body)
        # A second run finds nothing due and makes no call.
        calls = len(server.database.calls)
        result = _cli(runtime, "statements", "submit", "--platform", PLATFORM, env=env)
        assert json.loads(result.output) == {
            "accepted": 0,
            "already_there": 0,
            "refused": 0,
            "calls": 0,
        }
        assert len(server.database.calls) == calls
        result = _cli(runtime, "statements", "check", body[0]["puid"], env=env)
        assert json.loads(result.output)["in_database"] is True
    finally:
        server.shutdown()
        server.server_close()
    result = _cli(runtime, "statements", "export", "--platform", PLATFORM, "--dry-run")
    assert json.loads(result.stdout)["statements"] == []


def test_an_invalid_statement_is_never_sent_and_the_reason_is_shown(
    runtime: Runtime, tmp_path: Path
) -> None:
    clock = FixedClock(datetime(2026, 6, 3, 9, tzinfo=UTC))
    store = SqlStore(runtime.database, clock)
    checked = check_text_now(
        store,
        runtime.analyser,
        platform=PLATFORM,
        submission=TextSubmission("nice video", "comment", author_id="user-1"),
        actor="key:clips",
    )
    alice = Reviewer("moderator:alice", Role.MODERATOR)
    cases.receive_report(
        store,
        platform=PLATFORM,
        notice=ReportIn(
            content_id=checked.content.id,
            category="harassment_bullying",
            explanation="This comment mocks my daughter.",
            reporter_kind=ReporterKind.USER,
            good_faith=True,
            reporter_id="user-9",
            notifier_name="Ana Lima",
            notifier_email="ana.lima@example.org",
        ),
        actor="key:clips",
    )
    clock.advance(timedelta(hours=1))
    cases.claim(store, alice, checked.content.id)
    # Personal data in the facts: the statement must not leave Haven.
    cases.decide(
        store,
        alice,
        checked.content.id,
        ReviewDecision(
            "remove",
            "Reported by mail from ana.lima@example.org about her daughter.",
            ground_reference="terms:harassment (ana.lima@example.org)",
        ),
    )
    server, url = tdb_server.start(TOKEN)
    try:
        env = {"HAVEN_TRANSPARENCY_DATABASE_URL": url, "HAVEN_TRANSPARENCY_DATABASE_TOKEN": TOKEN}
        result = _cli(runtime, "statements", "submit", "--platform", PLATFORM, env=env)
        assert result.exit_code == 1
        assert "refused, not sent" in result.stderr and "email" in result.stderr
        assert server.database.stored == {} and server.database.calls == []
    finally:
        server.shutdown()
        server.server_close()


def test_a_period_without_activity_gives_an_empty_but_valid_report(
    runtime: Runtime, tmp_path: Path
) -> None:
    result = _cli(
        runtime,
        "report",
        "transparency",
        "--platform",
        "nobody",
        "--period",
        "2025H2",
        "--out",
        str(tmp_path),
    )
    assert result.exit_code == 0, result.output
    report = json.loads(Path(json.loads(result.output)["json"]).read_text())
    s = report["sections"]
    assert s["notices"]["total"] == 0 and s["notices"]["by_category"] == []
    assert s["notices"]["median_hours_to_act"] is None
    assert s["complaints"]["total"] == 0 and s["own_initiative"]["total"] == 0
    assert s["active_recipients"] == {
        "months": [],
        "average_monthly": None,
        "average_of_reported_months": None,
        "months_missing": ["2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12"],
    }
    assert "Nothing to show for this period." in to_html(report)
    assert to_csv(report).startswith("section,part,category,dimension,metric,value\n")


@pytest.mark.parametrize("period", ["2026H3", "26H1", "2026-13", "2026Q5", "H1", "1999"])
def test_a_bad_period_is_a_clear_error(runtime: Runtime, tmp_path: Path, period: str) -> None:
    result = _cli(
        runtime,
        "report",
        "transparency",
        "--platform",
        PLATFORM,
        "--period",
        period,
        "--out",
        str(tmp_path / "r"),
    )
    assert result.exit_code == 2 and "period" in result.stderr
    assert not (tmp_path / "r").exists()


def test_bad_command_line_input_is_a_clear_error(runtime: Runtime, tmp_path: Path) -> None:
    bad_platform = _cli(
        runtime,
        "report",
        "transparency",
        "--platform",
        "../x",
        "--period",
        "2026H1",
        "--out",
        str(tmp_path / "out"),
    )
    assert bad_platform.exit_code == 2 and "platform" in bad_platform.stderr
    assert not (tmp_path / "out").exists()
    nowhere = _cli(
        runtime,
        "statements",
        "export",
        "--platform",
        PLATFORM,
        "--dry-run",
        "--out",
        str(tmp_path / "missing" / "x.json"),
    )
    assert nowhere.exit_code == 2 and "cannot write" in nowhere.stderr
    no_dry_run = _cli(runtime, "statements", "export", "--platform", PLATFORM)
    assert no_dry_run.exit_code == 2 and "--dry-run" in no_dry_run.stderr
    env = {"HAVEN_TRANSPARENCY_DATABASE_TOKEN": TOKEN}
    bad_puid = _cli(runtime, "statements", "check", "a/../x", env=env)
    assert bad_puid.exit_code == 1 and "not a puid" in bad_puid.stderr
    no_token = _cli(runtime, "statements", "submit", "--platform", PLATFORM)
    assert no_token.exit_code == 1 and "token" in no_token.stderr
