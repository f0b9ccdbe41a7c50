"""`haven privacy export|erase|purge` as an operator runs them, on both databases: exit 0
with the document, 1 when Haven holds nothing about the person, 2 for bad input, and in the
last two cases nothing changes."""

from __future__ import annotations

import json
import stat
from datetime import timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from haven.audit.service import verify_audit_log
from haven.cli import main

from .conftest import PERSON, PLATFORM, TEXTS, Scenario, dump, mentions, personal_needles


def _run(s: Scenario, *args: str) -> tuple[int, str, str]:
    settings = s.runtime.settings
    env = {
        "HAVEN_DATABASE_URL": settings.database_url,
        "HAVEN_QUEUE_URL": settings.queue_url,
        "HAVEN_MEDIA_DIR": str(settings.media_root),
    }
    result = CliRunner().invoke(main, ["privacy", *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def _json(output: str) -> Any:
    return json.loads(output)


def test_export_to_a_private_file_then_erase(commenter: Scenario, tmp_path: Path) -> None:
    s = commenter
    out = tmp_path / "export.json"
    code, _, errors = _run(s, "export", PERSON, "--platform", PLATFORM, "--out", str(out))
    assert code == 0, errors
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # it holds a person's data
    document = _json(out.read_text("utf-8"))
    assert document["content"][0]["text"] == TEXTS["comment"]
    assert document["wellbeing"]["profile"]["passcode_set"] is True

    before = dump(s.runtime)
    code, output, _ = _run(s, "erase", PERSON, "--platform", PLATFORM, "--dry-run")
    assert code == 0 and _json(output)["dry_run"] is True
    assert dump(s.runtime) == before

    code, output, _ = _run(s, "erase", PERSON, "--platform", PLATFORM)
    result = _json(output)
    assert code == 0 and result["erased"]["content"] == 1 and result["pseudonym"]
    assert mentions(dump(s.runtime), personal_needles()) == []
    verified = CliRunner().invoke(
        main, ["audit", "verify", "--database", s.runtime.settings.database_url]
    )
    assert verified.exit_code == 0 and "audit log intact" in verified.stdout
    audit = [e for e in dump(s.runtime)["audit_events"] if '"privacy.erased"' in e]
    assert '"actor": "operator:cli"' in audit[0] and result["pseudonym"] in audit[0]


def test_unknown_and_bad_subjects_change_nothing(commenter: Scenario) -> None:
    s = commenter
    before = dump(s.runtime)
    for args, status, message in [
        (("erase", "nobody", "--platform", PLATFORM), 1, "holds nothing"),
        (("export", "nobody", "--platform", PLATFORM), 1, "holds nothing"),
        (("erase", PERSON, "--platform", "BAD!"), 2, "not a platform name"),
        (("erase", "--platform", PLATFORM), 2, "name the person"),
        (("erase", "--platform", PLATFORM, "--email", "not-mail"), 2, "email address"),
        (("erase", "x" * 201, "--platform", PLATFORM), 2, "1-200 printable"),
        (("purge", "--dry-run", "--queue"), 2, "cannot be queued"),
    ]:
        code, _, errors = _run(s, *args)
        assert code == status, (args, errors)
        assert message in errors, (args, errors)
    assert dump(s.runtime) == before


def test_a_missing_database_is_an_error_not_a_new_one(tmp_path: Path) -> None:
    missing = tmp_path / "none.sqlite3"
    result = CliRunner().invoke(
        main,
        ["privacy", "erase", PERSON, "--platform", PLATFORM, "--database", f"sqlite:///{missing}"],
    )
    assert result.exit_code == 1 and "no Haven database" in result.stderr
    assert not missing.exists()


def test_purge_now_or_queued_for_a_worker(commenter: Scenario) -> None:
    s = commenter
    # The CLI runs on the system clock: a dry run reports every rule and changes nothing.
    before = dump(s.runtime)
    code, output, _ = _run(s, "purge", "--dry-run")
    report = _json(output)
    assert code == 0 and report["dry_run"] is True and "staff_sessions" in report["rules"]
    assert dump(s.runtime) == before
    # Queued, the job is run by a worker (here on the scenario's clock, moved a year on).
    code, output, errors = _run(s, "purge", "--queue")
    assert code == 0, errors
    job_id = output.split()[2]
    s.clock.advance(timedelta(days=400))
    assert s.worker.run(job_id) == "done"
    with s.runtime.store.transaction(write=False) as tx:
        purged = [e.subject_id for e in tx.audit.entries(subject_type="retention_rule")]
    assert "staff_sessions" in purged
    assert verify_audit_log(s.runtime.store).intact
