"""The export (GDPR Art. 15 and 20): everything Haven holds about a person as one JSON document,
grouped by kind, valid against ``export.schema.json``.

Two things are left out on purpose, and the document says so: other people's identities (the
names and emails of those who reported the person's content, Art. 15(4)), and the reports
drafted for the authorities about content under a legal hold (telling a suspect would defeat
them; the export goes to staff, who decide what the person is told).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from haven.audit.models import AuditEntry
from haven.cases.models import Appeal, Report
from haven.decisions.errors import NoStatement
from haven.decisions.models import Decision
from haven.decisions.statements import statement_of_reasons
from haven.privacy.models import Authored, Link, PersonalData

SCHEMA = "haven.privacy.export/1"
SCHEMA_FILE = Path(__file__).with_name("export.schema.json")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _plain(value: Any) -> Any:
    """Rows as JSON: times as ISO 8601 text."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _decision(d: Decision, *, held: bool) -> dict[str, Any]:
    # The treatments' evidence of held content names the banks it matched: withheld.
    treatments = (
        [{k: v for k, v in t.items() if k != "evidence"} for t in d.treatments]
        if held
        else d.treatments
    )
    return {
        "id": d.id,
        "version": d.version,
        "made_at": d.made_at.isoformat(),
        "decided_by": d.decided_by,
        "outcome": d.outcome,
        "treatments": treatments,
        "categories": d.categories,
        "automated_detection": d.automated_detection,
        "automation": d.automation.value,
        "policy_version": d.policy_version,
        "source": d.source.value,
        "ground": d.ground.value,
        "ground_reference": d.ground_reference,
        "explanation": d.explanation,
        "territorial_scope": list(d.territorial_scope),
        "ends_at": _iso(d.ends_at),
    }


def _statements(found: Authored) -> list[dict[str, Any]]:
    out = []
    for decision in found.decisions:
        try:
            out.append(statement_of_reasons(decision, external_id=found.item.external_id))
        except NoStatement:  # a decision that restricts nothing has no statement
            continue
    return out


def _appeal(a: Appeal) -> dict[str, Any]:
    return {
        "id": a.id,
        "content_id": a.content_id,
        "decision_id": a.decision_id,
        "appellant_kind": a.appellant_kind.value,
        "reason": a.reason,
        "received_at": a.received_at.isoformat(),
        "status": a.status.value,
        "decided_at": _iso(a.decided_at),
        "explanation": a.explanation,
    }


def _content(found: Authored) -> dict[str, Any]:
    item, case = found.item, found.case
    return {
        "id": item.id,
        "kind": item.kind.value,
        "surface": item.surface,
        "language": item.language,
        "author_age_band": item.author_age_band.value,
        "region": item.region,
        "external_id": item.external_id,
        "text": item.text,
        "submitted_at": item.submitted_at.isoformat(),
        "state": item.state.value,
        "media_file": item.media_path,
        "legal_hold": found.hold is not None,
        "decisions": [_decision(d, held=found.hold is not None) for d in found.decisions],
        "statements_of_reasons": _statements(found),
        # The scan report of held content names the banks it matched: withheld (see below).
        "evidence": [] if found.hold is not None else found.evidence,
        "case": None
        if case is None
        else {
            "status": case.status.value,
            "queue": case.queue,
            "opened_at": case.opened_at.isoformat(),
            "updated_at": case.updated_at.isoformat(),
            "reasons": list(case.reasons),
        },
        # Notices about their content, without who sent them (Art. 15(4)).
        "notices_received": [
            {
                "id": r.id,
                "received_at": r.received_at.isoformat(),
                "category": r.notice.category,
                "reporter_kind": r.notice.reporter_kind.value,
            }
            for r in found.notices
        ],
        "appeals": [_appeal(a) for a in found.appeals if a.appellant_kind.value != "notifier"],
        "ad_impressions": _plain(found.impressions),
    }


def _report(r: Report) -> dict[str, Any]:
    n = r.notice
    return {
        "id": r.id,
        "content_id": n.content_id,
        "received_at": r.received_at.isoformat(),
        "category": n.category,
        "explanation": n.explanation,
        "reporter_kind": n.reporter_kind.value,
        "good_faith": n.good_faith,
        "video_timestamp": n.video_timestamp,
        "location_url": n.location_url,
        "reporter_id": n.reporter_id,
        "notifier_name": n.notifier_name,
        "notifier_email": n.notifier_email,
    }


def _link(link: Link, user_id: str | None) -> dict[str, Any]:
    record = _plain(link.record)
    role = "parent" if record["parent_id"] == user_id else "teen"
    return {**record, "role": role, "time_requests": _plain(link.time_requests)}


def _entry(e: AuditEntry) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "at": e.at.isoformat(),
        "subject_type": e.subject_type,
        "subject_id": e.subject_id,
        "kind": e.kind,
        "actor": e.actor,
        "payload": json.loads(e.payload_json),
    }


def media_files(data: PersonalData, media_root: Path) -> list[dict[str, Any]]:
    """The person's stored uploads: name, SHA-256 (taken at upload) and size on disk."""
    files = []
    for found in data.content:
        item = found.item
        if item.media_path is None:
            continue
        path = media_root / item.media_path
        present = path.is_file()
        files.append(
            {
                "content_id": item.id,
                "file": item.media_path,
                "sha256": item.media_sha256,
                "size_bytes": path.stat().st_size if present else None,
                "present": present,
                "legal_hold": found.hold is not None,
            }
        )
    return files


def export_document(
    data: PersonalData, *, generated_at: datetime, media_root: Path
) -> dict[str, Any]:
    """The export as JSON-ready data."""
    wb = data.wellbeing
    user_id = data.subject.user_id
    withheld = []
    if any(found.notices for found in data.content):
        withheld.append(
            {
                "what": "who reported the person's content (names, emails, their words)",
                "why": "GDPR Art. 15(4): the rights and freedoms of others",
            }
        )
    if any(found.hold for found in data.content):
        withheld.append(
            {
                "what": "the evidence of content under a legal hold (its scan report, and the"
                " matched signals in its decisions) and the reports drafted for the competent"
                " authorities about it",
                "why": "GDPR Art. 23(1)(d): telling the person could prejudice the prevention,"
                " investigation or prosecution of criminal offences; staff decide what the"
                " person is told",
            }
        )
    return {
        "schema": SCHEMA,
        "generated_at": generated_at.isoformat(),
        "subject": data.subject.as_dict(),
        "content": [_content(found) for found in data.content],
        "reports_filed": [_report(r) for r in data.reports],
        "appeals_filed": [_appeal(a) for a in data.appeals],
        "wellbeing": {
            "profile": _plain(wb.profile),
            "usage_events": _plain(wb.usage_events),
            "grants": _plain(wb.grants),
            "notices": _plain(wb.notices),
            "guess_attempts": _plain(wb.attempts),
        },
        "pairing": {
            "codes": _plain(wb.codes),
            "links": [_link(link, user_id) for link in wb.links],
        },
        "suspensions": _plain(data.suspensions),
        "audit": {
            "pseudonyms": data.pseudonyms,
            "entries": [_entry(e) for e in data.audit],
        },
        "media": media_files(data, media_root),
        "withheld": withheld,
    }
