"""Retention: the rules file is checked completely, and the purge applies each rule as the
(injected) clock moves past its period, on both databases: nothing before, exactly the old
rows after, a dry run that changes nothing, idempotent, audited; legal holds never purged; the
same purge as a job a worker runs."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from haven.access.roles import Reviewer, Role
from haven.audit.service import verify_audit_log
from haven.cases import service as cases
from haven.jobs.models import new_job
from haven.privacy.errors import InvalidRetentionRules
from haven.privacy.jobs import PURGE_JOB, schedule_purge
from haven.privacy.purge import purge
from haven.privacy.retention import DEFAULT_FILE, KINDS, load_rules, parse_rules
from haven.runtime import build_runtime
from haven.settings import load_settings

from .conftest import ALICE, PERSON, PLATFORM, Scenario, dump, media_names

RULES = load_rules()


def test_the_shipped_rules_cover_every_kind_and_the_store_implements_them(
    base: Scenario,
) -> None:
    assert set(RULES.rules) == set(KINDS)
    assert RULES.rules["audit_entries"].action == "keep"
    with base.runtime.store.transaction(write=False) as tx:
        assert tx.privacy.kinds() == {r.kind for r in RULES.purging()}


def _raw() -> dict[str, Any]:
    return yaml.safe_load(DEFAULT_FILE.read_text("utf-8"))  # type: ignore[no-any-return]


def _without(kind: str) -> dict[str, Any]:
    raw = _raw()
    del raw["rules"][kind]
    return raw


def _changed(kind: str, **fields: Any) -> dict[str, Any]:
    raw = _raw()
    raw["rules"][kind] = {**raw["rules"][kind], **fields}
    return raw


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (_without("usage_events"), "no rule for: usage_events"),
        ({**_raw(), "rules": {**_raw()["rules"], "selfies": {}}}, "unknown kinds: selfies"),
        (_changed("audit_entries", action="delete", days=30), "audit_entries can only be 'keep'"),
        (_changed("usage_events", action="keep"), "usage_events can only be 'delete'"),
        (_changed("usage_events", days=0), "whole number from 1"),
        (_changed("usage_events", days="ten"), "whole number from 1"),
        (_changed("usage_events", days=True), "whole number from 1"),
        (_changed("usage_events", days=99999), "whole number from 1"),
        (_changed("audit_entries", days=30), "takes no days"),
        (_changed("evidence", why=" "), "needs 'why'"),
        (_changed("evidence", colour="red"), "unknown keys: colour"),
        ({**_raw(), "version": ""}, "version must be"),
        ({"rules": {}}, "exactly version and rules"),
        ([], "exactly version and rules"),
    ],
)
def test_a_bad_rules_file_is_refused_with_the_reason(raw: Any, problem: str) -> None:
    with pytest.raises(InvalidRetentionRules, match=problem):
        parse_rules(raw, source="test")


def test_a_bad_rules_file_stops_start_up(tmp_path: Path, database_url: str) -> None:
    for name, text in (
        ("broken.yaml", "rules: [unclosed"),
        ("short.yaml", "version: x\nrules: {}"),
    ):
        path = tmp_path / name
        path.write_text(text)
        settings = load_settings(
            None,
            {
                "HAVEN_DATA_DIR": str(tmp_path / "data"),
                "HAVEN_DATABASE_URL": database_url,
                "HAVEN_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
                "HAVEN_RETENTION_FILE": str(path),
            },
        )
        with pytest.raises(InvalidRetentionRules):
            build_runtime(settings)
    with pytest.raises(InvalidRetentionRules, match="cannot be read"):
        load_rules(tmp_path / "missing.yaml")


def _aged(s: Scenario, tmp_path: Path) -> None:
    """Something for every rule, all at the scenario's clock, through the API and services."""
    api, key, store = s.client, s.platform, s.runtime.store
    # A notice on the person's video; a moderator removes it (its file goes after six months).
    notice = {
        "content_id": s.ids["video"],
        "category": "harassment_bullying",
        "explanation": "Mean.",
        "reporter_kind": "anonymous",
        "good_faith": True,
        "notifier_name": "Ana",
        "notifier_email": "ana@example.org",
    }
    assert api.post("/v1/reports", headers=key, json=notice).status_code == 201
    cases.claim(store, ALICE, s.ids["video"])
    cases.decide(
        store, ALICE, s.ids["video"], cases.ReviewDecision("remove", "Mean.", ground_reference="r")
    )
    # A search the platform checked.
    search = {"text": "how to bake bread", "surface": "search", "author_id": PERSON}
    assert api.post("/v1/check/text", headers=key, json=search).status_code == 200
    # A code nobody used, and a link that ended.
    code = api.post("/v1/wellbeing/pairing/codes", headers=key, json={"parent_id": "parent-8d1f40"})
    assert code.status_code == 201
    unlink = api.post(f"/v1/wellbeing/pairing/{PERSON}/unlink", headers=key, json={"by": PERSON})
    assert unlink.status_code == 204
    # Another moderator upholds both appeals: every case is closed.
    bob = Reviewer("moderator:bob", Role.MODERATOR)
    for content_id in (s.ids["comment"], s.ids["other"]):
        cases.claim(store, bob, content_id)
        cases.decide_appeal(store, bob, content_id, reverse=False, explanation="Stands.")
    # A webhook delivery that finished.
    now = s.clock.now()
    with store.transaction() as tx:
        job = tx.jobs.add(new_job("deliver_webhook", "d-1", key="deliver_webhook:d-1", now=now))
        tx.jobs.claim(job.id, now=now, lease_until=now + timedelta(minutes=1))
        tx.jobs.finish(job.id, attempt=1, now=now)


def _counts(report: dict[str, Any]) -> dict[str, int]:
    return {kind: r["rows"] for kind, r in report["rules"].items()}


def test_the_purge_follows_the_clock_and_never_touches_a_legal_hold(
    scenario: Scenario, tmp_path: Path
) -> None:
    s = scenario
    _aged(s, tmp_path)
    store, root = s.runtime.store, s.runtime.settings.media_root
    ids = s.ids

    def run(*, dry_run: bool = False) -> dict[str, Any]:
        return purge(store, RULES, media_root=root, dry_run=dry_run).as_dict()

    # Nothing is old enough yet.
    assert set(_counts(run()).values()) == {0}
    # 40 days on: only the rules of 35 days or less have something to do.
    s.clock.advance(timedelta(days=40))
    first = _counts(run())
    assert first["usage_events"] == 3 and first["grants"] == 3
    assert first["pairing_codes"] == 2 and first["guess_attempts"] == 1  # the used one too
    assert first["staff_sessions"] == len(s.staff) and first["webhook_deliveries"] == 1
    assert first["search_queries"] == 1
    assert first["notices"] == first["ended_links"] == first["evidence"] == 0
    assert first["removed_media"] == first["notifier_identity"] == 0
    # 200 days on: a dry run says what the rest would do and changes nothing.
    s.clock.advance(timedelta(days=160))
    before, files = dump(s.runtime), media_names(s.runtime)
    preview = run(dry_run=True)
    assert dump(s.runtime) == before and media_names(s.runtime) == files
    second = run()
    assert _counts(second) == _counts(preview)
    assert second["rules"]["removed_media"]["media_files"] == 1
    assert second["rules"]["removed_media"]["rows"] == 1  # the video; not the held picture
    assert second["rules"]["ended_links"]["rows"] == 1 and second["rules"]["notices"]["rows"] >= 1
    assert second["rules"]["answered_time_requests"]["rows"] == 1
    # The notifiers' identities of closed cases (the comment's, the other post's, the video's).
    assert second["rules"]["notifier_identity"]["rows"] == 3
    # Evidence of the comment, the other post and the video; the held picture's stays.
    assert second["rules"]["evidence"]["rows"] == 3
    with store.transaction(write=False) as tx:
        video, picture = tx.content.get(ids["video"]), tx.content.get(ids["picture"])
        assert video.media_path is None and picture.media_path is not None
        assert tx.legal.held(ids["picture"]) and tx.decisions.evidence(ids["picture"])
        assert tx.decisions.evidence(ids["comment"]) is None
        notices = tx.reports.for_content(ids["video"])
        assert notices and notices[0].notice.notifier_email is None
        assert notices[0].notice.explanation == "Mean."  # the notice itself stays
    names = media_names(s.runtime)
    assert not any(n.startswith(ids["video"]) for n in names)
    assert any(n.startswith(ids["picture"]) for n in names)
    # Again: nothing more to do. Every purge that removed something is in the audit log.
    assert set(_counts(run()).values()) == {0}
    with store.transaction(write=False) as tx:
        purged = [e for e in tx.audit.entries(subject_type="retention_rule")]
    busy = {k for k in first if first[k] or _counts(second)[k]}
    assert {e.subject_id for e in purged} == busy
    assert all(RULES.version in e.payload_json for e in purged)
    assert verify_audit_log(store).intact


def test_the_purge_runs_as_a_job_a_worker_takes(commenter: Scenario) -> None:
    s = commenter
    store = s.runtime.store
    usage = [{"event_id": "e1", "user_id": PERSON, "kind": "view", "at": s.clock.now().isoformat()}]
    assert (
        s.client.post("/v1/wellbeing/usage", headers=s.platform, json={"events": usage}).status_code
        == 200
    )
    s.clock.advance(timedelta(days=36))
    job = schedule_purge(store)
    assert job.kind == PURGE_JOB
    assert schedule_purge(store).id == job.id  # one a day, however often it is queued
    assert s.worker.run(job.id) == "done"
    assert s.worker.run(job.id) == "skipped"
    with store.transaction(write=False) as tx:
        assert (
            tx.wellbeing.events(
                PLATFORM, PERSON, since=s.clock.now() - timedelta(days=400), until=s.clock.now()
            )
            == []
        )
        kinds = [e.kind for e in tx.audit.entries(subject_type="job", subject_id=job.id)]
        purged = list(tx.audit.entries(subject_type="retention_rule", subject_id="usage_events"))
    assert kinds == ["job.started", "job.completed"] and len(purged) == 1
