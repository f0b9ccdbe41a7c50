"""Data-subject requests: the export and the erasure. Each call owns its transaction; both are
audited under the person's pseudonym, never their identifier."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from haven.audit.models import AuditEvent
from haven.privacy import erasure
from haven.privacy.errors import UnknownSubject
from haven.privacy.export import export_document
from haven.privacy.files import delete_media, present
from haven.privacy.gather import gather, people, pseudonym_of
from haven.privacy.interfaces import PrivacyStore, PrivacyTransaction
from haven.privacy.models import ErasureResult, PersonalData, Subject


class _DryRun(Exception):
    """Raised inside a dry run's transaction, so that the store rolls back everything it did."""

    def __init__(self, result: ErasureResult) -> None:
        super().__init__("dry run")
        self.result = result


def _known(tx: PrivacyTransaction, subject: Subject) -> PersonalData:
    data = gather(tx, subject)
    if data.empty():
        raise UnknownSubject(
            "Haven holds nothing about this person on this platform (never known, or already"
            " erased)",
            platform=subject.platform,
        )
    return data


def export_subject(
    store: PrivacyStore, subject: Subject, *, actor: str, media_root: Path
) -> dict[str, Any]:
    """Everything Haven holds about the subject, as one JSON-ready document. The export is
    audited (who read whose data), so it writes: nothing when the person is unknown."""
    with store.transaction() as tx:
        data = _known(tx, subject)
        document = export_document(data, generated_at=store.clock.now(), media_root=media_root)
        tx.audit.append(
            AuditEvent(
                "privacy_subject",
                pseudonym_of(tx, subject),
                "privacy.exported",
                actor,
                {
                    "content": len(data.content),
                    "reports": len(data.reports),
                    "audit_entries": len(data.audit),
                },
            )
        )
    return document


def erase_subject(
    store: PrivacyStore, subject: Subject, *, actor: str, media_root: Path, dry_run: bool = False
) -> ErasureResult:
    """Erase the subject, all or nothing, then delete their stored uploads. A dry run does
    exactly the same inside its transaction and rolls it back, so what it reports is what the
    erasure would do; it deletes no file."""
    erasure_id = str(uuid.uuid4())
    try:
        with store.transaction() as tx:
            data = _known(tx, subject)
            todo = erasure.plan(data)
            alias, erased, anonymised = erasure.apply(
                tx, data, todo, actor=actor, erasure_id=erasure_id, now=store.clock.now()
            )
            result = ErasureResult(
                erasure_id,
                store.clock.now(),
                subject,
                alias,
                dry_run,
                erased,
                anonymised,
                todo.kept,
            )
            if dry_run:
                raise _DryRun(result)
    except _DryRun as rolled_back:
        files = present(media_root, todo.media_files)
        erased = {**rolled_back.result.erased, "media_files": len(files)}
        # The pseudonym a dry run shows is the existing one: a new key was rolled back.
        existing = data.pseudonyms.get(people(subject)[0].kind)
        return replace(rolled_back.result, erased=erased, pseudonym=existing)
    deleted, left = delete_media(media_root, todo.media_files)
    return replace(result, erased={**erased, "media_files": deleted}, media_files_left=left)
