"""What follows a match against a bank of known child sexual abuse material, besides removal
and review: the evidence is put under legal hold (exempt from deletion), and a report for the
competent authority is drafted with the fields of NCMEC's CyberTipline report. Nothing is
sent: a child-safety specialist confirms the match, completes the draft and submits it
through the authority's own channel."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from haven.audit.models import AuditEvent
from haven.cases.interfaces import CasesTransaction

DRAFT_FORMAT = "ncmec-cybertipline-draft/1"
INCIDENT_TYPE = "Child Pornography (possession, manufacture, and distribution)"


def child_safety_matches(evidence: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The child-safety bank matches in a scan report."""
    if not evidence:
        return []
    hashes = evidence.get("analyzers", {}).get("hashes", {})
    return [m for m in hashes.get("matches", []) if m.get("category") == "child_safety"]


def cybertipline_draft(
    *, platform: str, item: Any, evidence: dict[str, Any], matches: list[dict[str, Any]]
) -> dict[str, Any]:
    """The draft, in the structure of the CyberTipline reporting API (incident summary,
    reporter, reported user, internet details, uploaded files with hashes). Fields Haven cannot
    know (the reporting person, the law-enforcement contact) are left for the specialist."""
    hashes = evidence.get("analyzers", {}).get("hashes", {})
    return {
        "format": DRAFT_FORMAT,
        "status": "draft",
        "sent": False,
        "incidentSummary": {
            "incidentType": INCIDENT_TYPE,
            "incidentDateTime": item.submitted_at.isoformat(),
            "escalateToHighPriority": None,
        },
        "reporter": {"espName": platform, "reportingPerson": None, "contactPerson": None},
        "personOrUserReported": {"espService": platform, "espIdentifier": item.author_id},
        "internetDetails": {
            "webPageIncident": {"url": None, "platformContentId": item.external_id}
        },
        "uploadedFiles": [
            {
                "fileName": item.media_path,
                "originalFileHash": [
                    {"hashType": "MD5", "value": hashes.get("md5")},
                    {"hashType": "SHA256", "value": hashes.get("sha256")},
                ],
                "fileViewedByEsp": False,  # no person has looked at it yet
                "publiclyAvailable": False,  # removed before it was shown
                "matchedHashLists": [
                    {k: m.get(k) for k in ("bank", "entry", "kind", "distance", "query_share")}
                    for m in matches
                ],
            }
        ],
        "additionalInformation": (
            f"Automated hash match against {', '.join(sorted({m['bank'] for m in matches}))};"
            " a child-safety specialist must confirm it before anything is submitted."
        ),
    }


def secure_evidence(
    tx: CasesTransaction, *, item: Any, evidence: dict[str, Any] | None, now: datetime
) -> str | None:
    """Put the upload under legal hold and draft the authority report, in the caller's
    transaction; the draft's id, or None when the evidence holds no child-safety match."""
    matches = child_safety_matches(evidence)
    if not matches or evidence is None:
        return None
    banks = sorted({m["bank"] for m in matches})
    tx.legal.hold(item.id, reason=f"child-safety bank match: {', '.join(banks)}", at=now)
    draft_id = str(uuid.uuid4())
    draft = cybertipline_draft(
        platform=item.platform, item=item, evidence=evidence, matches=matches
    )
    tx.legal.add_draft(draft_id, item.id, draft, at=now)
    tx.audit.append(
        AuditEvent(
            "content",
            item.id,
            "content.legal_hold",
            "system",
            {"banks": banks, "draft": draft_id, "sent": False},
        )
    )
    return draft_id
