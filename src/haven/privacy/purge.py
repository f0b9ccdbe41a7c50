"""The purge: every retention rule applied to what is older than its period. One transaction
per rule (a large purge does not hold the database for all of them at once), each audited with
the rules' version; stored uploads are deleted only after their rule's transaction commits.
Idempotent: running it again finds nothing more to do. Legal holds are never purged (the
store's rules exclude held content)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from haven.audit.models import AuditEvent
from haven.privacy.files import delete_media, present
from haven.privacy.interfaces import PrivacyStore, Purged
from haven.privacy.retention import RetentionRules, Rule


@dataclass(frozen=True)
class PurgeReport:
    at: datetime
    version: str
    dry_run: bool
    rules: dict[str, dict[str, Any]]
    media_files_left: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "version": self.version,
            "dry_run": self.dry_run,
            "rules": self.rules,
            "media_files_left": self.media_files_left,
        }


class _Rollback(Exception):
    """Ends a dry run's transaction, so the store undoes what the rule did."""

    def __init__(self, purged: Purged) -> None:
        super().__init__("dry run")
        self.purged = purged


def _apply(
    store: PrivacyStore,
    rules: RetentionRules,
    rule: Rule,
    before: datetime,
    *,
    actor: str,
    dry_run: bool,
) -> Purged:
    try:
        with store.transaction() as tx:
            purged = tx.privacy.purge(rule.kind, before=before)
            if dry_run:
                raise _Rollback(purged)
            if purged.rows:
                tx.audit.append(
                    AuditEvent(
                        "retention_rule",
                        rule.kind,
                        "privacy.purged",
                        actor,
                        {
                            "action": rule.action,
                            "rows": purged.rows,
                            "before": before.isoformat(),
                            "version": rules.version,
                        },
                    )
                )
    except _Rollback as rolled_back:
        return rolled_back.purged
    return purged


def purge(
    store: PrivacyStore,
    rules: RetentionRules,
    *,
    media_root: Path,
    actor: str = "system",
    dry_run: bool = False,
) -> PurgeReport:
    """Apply every rule; a dry run does each rule's work and rolls it back, so it reports what
    a purge would do now, and deletes no file."""
    now = store.clock.now()
    report: dict[str, dict[str, Any]] = {}
    left: list[str] = []
    for rule in rules.purging():
        if rule.days is None:  # a kept kind has no period (purging() leaves those out)
            continue
        before = now - timedelta(days=rule.days)
        purged = _apply(store, rules, rule, before, actor=actor, dry_run=dry_run)
        if dry_run:
            files = len(present(media_root, purged.media_files))
        else:
            files, missed = delete_media(media_root, purged.media_files)
            left += missed
        report[rule.kind] = {
            "action": rule.action,
            "before": before.isoformat(),
            "rows": purged.rows,
            "media_files": files,
        }
    return PurgeReport(now, rules.version, dry_run, report, left)
