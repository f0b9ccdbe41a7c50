"""The job that analyses submitted content, writes its first decision and, when the policy
asks for review, opens its case."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, Protocol

from haven.audit.models import AuditEvent
from haven.content.models import ContentItem, ContentKind, ContentState
from haven.decisions.models import Automation, Decision, DecisionDraft
from haven.decisions.webhooks import schedule_webhook
from haven.jobs.models import Job
from haven.pipeline import check_texts, scan
from haven.policy.decisions import decide
from haven.policy.model import Policy
from haven.report import build_report
from haven.signals import default_registry
from haven.signals.text.analyzer import TextItem

# What a bank of known media holds, as a harm category of the taxonomy.
BANK_HARMS = {
    "child_safety": "child_sexual_exploitation_grooming",
    "terrorism": "violent_extremism",
}


def analyse_media(
    item: ContentItem,
    policy: Policy,
    media_root: Path,
    analyzer_names: list[str],
    analyzer_options: dict[str, dict[str, Any]] | None = None,
) -> DecisionDraft:
    """Scan a stored upload with every configured analyzer (photosensitivity, speech, on-screen
    text, text safety of the caption and transcript, claims) and decide with the policy."""
    if item.media_path is None:
        raise ValueError(f"content {item.id} has no stored media")
    registry = default_registry()
    options = analyzer_options or {}
    analyzers = [registry.create(name, **options.get(name, {})) for name in analyzer_names]
    result = scan(media_root / item.media_path, analyzers, policy, caption=item.text)
    evidence = build_report(result)
    # The report names the file where it lies on this server; reviewers need its content id.
    evidence["file"]["path"] = item.media_path
    categories: dict[str, float] = {}
    for signal in result.signals:
        if signal.kind == "text.harm":
            category = str(signal.attributes["category"])
            score = float(signal.attributes["score"])
            categories[category] = max(score, categories.get(category, 0.0))
        elif signal.kind == "imagery.nudity":
            score = float(signal.attributes["peak_score"])
            categories["sexual_content"] = max(score, categories.get("sexual_content", 0.0))
        elif signal.kind == "hashes.match" and signal.attributes["category"] in BANK_HARMS:
            # A bank match is certain about what the media is: the case goes to that queue.
            categories[BANK_HARMS[str(signal.attributes["category"])]] = 1.0
    return DecisionDraft(
        outcome=decide("content", result.treatments),
        treatments=[t.as_dict() for t in result.treatments],
        categories=categories,
        automated_detection=True,
        automation=Automation.FULLY,
        policy_version=policy.version,
        notes=[f"scanned in {result.elapsed_seconds:.1f} s"],
        evidence=evidence,
    )


def analyse_texts(items: list[ContentItem], policy: Policy) -> list[DecisionDraft]:
    """Decide several texts that share language, region and age band in one model batch."""
    first = items[0]
    for item in items:
        if item.kind is not ContentKind.TEXT or item.text is None:
            raise ValueError(f"content {item.id} is {item.kind}, not text")
        if batch_key(item) != batch_key(first):
            raise ValueError("texts in one batch share language, region and age band")
    checks = check_texts(
        [TextItem(str(item.text), item.surface, id=item.id) for item in items],
        policy,
        first.language,
        country=first.region,
        minor=first.author_age_band.minor,
    )
    return [
        DecisionDraft(
            outcome=check.decision,
            treatments=[t.as_dict() for t in check.treatments],
            categories={str(f["category"]): float(f["score"]) for f in check.flagged},  # type: ignore[arg-type]
            automated_detection=True,
            automation=Automation.FULLY,
            policy_version=policy.version,
            notes=list(check.notes),
            evidence=check.as_dict(),
        )
        for check in checks
    ]


def batch_key(item: ContentItem) -> tuple[str, str, bool]:
    """Texts that share this key can be decided in one model batch."""
    return item.language, item.region or "", item.author_age_band.minor


def analyse_text(item: ContentItem, policy: Policy) -> DecisionDraft:
    return analyse_texts([item], policy)[0]


class ReviewOpener(Protocol):
    def __call__(
        self, tx: Any, content_id: str, *, category: str | None, reason: str
    ) -> object: ...


class AnalyseContent:
    """Handler of ``analyse_content`` jobs: compute outside any transaction, then commit."""

    kind = "analyse_content"

    def __init__(
        self,
        policy: Policy,
        open_review: ReviewOpener,
        *,
        media_root: Path | None = None,
        analyzers: list[str] | None = None,
        analyzer_options: dict[str, dict[str, Any]] | None = None,
        secure_evidence: Any = None,
    ) -> None:
        self.policy = policy
        self.media_root = media_root
        self.analyzers = analyzers or default_registry().names()
        self.analyzer_options = analyzer_options or {}
        # Given by the composition root too: a child-safety match puts the evidence under
        # legal hold and drafts the authority report (haven.cases.child_safety).
        self.secure_evidence = secure_evidence
        # Given by the composition root (haven.runtime): the cases package opens the review,
        # and content, lower in the flow, does not import it.
        self.open_review = open_review

    def compute(self, tx_factory: Any, job: Job) -> DecisionDraft:
        with tx_factory.transaction(write=False) as tx:
            item = tx.content.get(job.subject_id)
        if item.kind is ContentKind.TEXT:
            return analyse_text(item, self.policy)
        if self.media_root is None:
            raise RuntimeError("this worker has no media folder configured")
        return analyse_media(
            item, self.policy, self.media_root, self.analyzers, self.analyzer_options
        )

    def commit(self, tx: Any, job: Job, draft: DecisionDraft, now: Any) -> None:
        self.record(tx, job.subject_id, draft, now, job_id=job.id)

    def record(
        self, tx: Any, content_id: str, draft: DecisionDraft, now: Any, *, job_id: str | None
    ) -> Decision:
        """Write the automated decision, mark the content decided, audit it, and open a case
        when the policy asked for review; all in the caller's transaction."""
        previous = tx.decisions.latest(content_id)
        decision = Decision(
            id=str(uuid.uuid4()),
            content_id=content_id,
            version=(previous.version + 1) if previous else 1,
            made_at=now,
            decided_by="system",
            job_id=job_id,
            outcome=draft.outcome,
            treatments=draft.treatments,
            categories=draft.categories,
            automated_detection=draft.automated_detection,
            automation=draft.automation,
            policy_version=draft.policy_version,
            notes=draft.notes,
        )
        tx.decisions.add(decision)
        if draft.evidence is not None:
            tx.decisions.add_evidence(decision.id, content_id, draft.evidence)
            if self.secure_evidence is not None:
                self.secure_evidence(
                    tx, item=tx.content.get(content_id), evidence=draft.evidence, now=now
                )
        platform = tx.content.get(content_id).platform
        schedule_webhook(tx, decision, platform=platform, now=now)
        tx.content.set_state(content_id, ContentState.DECIDED)
        tx.audit.append(
            AuditEvent(
                "content",
                content_id,
                "decision.made",
                "system",
                {
                    "decision": decision.id,
                    "version": decision.version,
                    "outcome": decision.outcome,
                    "treatments": [t["name"] for t in decision.treatments],
                    "categories": decision.categories,
                    "job": job_id,
                },
            )
        )
        held = [t for t in decision.treatments if t["name"] == "hold_for_review"]
        if held:
            top = max(decision.categories, key=decision.categories.__getitem__, default=None)
            self.open_review(tx, content_id, category=top, reason=held[0]["reason"])
        return decision

    def give_up(self, tx: Any, job: Job) -> None:
        tx.content.set_state(job.subject_id, ContentState.FAILED)
