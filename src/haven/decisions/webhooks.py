"""Telling the platform when a decision is made or changes: a signed webhook, delivered by a
job (so it is retried with backoff and survives a worker's death).

Each delivery is a POST of JSON with ``X-Haven-Signature: t=<unix time>,v1=<hex>``, where
``v1`` is HMAC-SHA256 of ``"<t>.<body>"`` under the platform's webhook secret. The receiver
recomputes it, compares in constant time and refuses old timestamps (replays). Deliveries may
arrive out of order: the decision's ``version`` says which is newer.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

import httpx

from haven.audit.models import AuditEvent
from haven.decisions.models import Decision
from haven.jobs.models import Job, new_job

WEBHOOK_JOB = "deliver_webhook"
SIGNATURE_HEADER = "X-Haven-Signature"
TOLERANCE_SECONDS = 300


class WebhookFailed(Exception):
    pass


def schedule_webhook(tx: Any, decision: Decision, *, platform: str, now: datetime) -> bool:
    """Queue the delivery in the caller's transaction (sent to the queue after commit), if
    the platform has a webhook: a platform without one costs no job."""
    if tx.webhooks.get(platform) is None:
        return False
    tx.jobs.add(new_job(WEBHOOK_JOB, decision.id, key=f"{WEBHOOK_JOB}:{decision.id}", now=now))
    return True


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify_signature(secret: str, header: str, body: bytes, *, now: int) -> bool:
    """What a receiving platform does: True only for a fresh, matching signature."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
    except (ValueError, KeyError):
        return False
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(
        sign(secret, timestamp, body), f"t={timestamp},v1={fields.get('v1', '')}"
    )


def payload(decision: Decision, *, delivery: str, external_id: str | None) -> dict[str, Any]:
    return {
        "event": "decision.made" if decision.version == 1 else "decision.changed",
        "delivery": delivery,
        "content": {"id": decision.content_id, "external_id": external_id},
        "decision": {
            "id": decision.id,
            "version": decision.version,
            "outcome": decision.outcome,
            "made_at": decision.made_at.isoformat(),
            "decided_by": decision.decided_by,
            "treatments": [
                {k: t[k] for k in ("name", "rule", "reason", "params")} for t in decision.treatments
            ],
            "categories": decision.categories,
            "automation": decision.automation.value,
        },
    }


class DeliverWebhook:
    """Handler of ``deliver_webhook`` jobs. An answer other than 2xx, a timeout or a refused
    connection is retried with backoff; a webhook removed since the job was queued is
    skipped."""

    kind = WEBHOOK_JOB
    max_attempts = 8  # 5 s, 10 s, 20 s ... about 10 minutes in all

    def __init__(self, *, timeout_seconds: float = 10.0) -> None:
        self.timeout = timeout_seconds

    def compute(self, store: Any, job: Job) -> dict[str, Any]:
        with store.transaction(write=False) as tx:
            decision = tx.decisions.get(job.subject_id)
            item = tx.content.get(decision.content_id)
            hook = tx.webhooks.get(item.platform)
        if hook is None:
            return {"delivered": False, "platform": item.platform, "reason": "no webhook set"}
        body = json.dumps(
            payload(decision, delivery=job.id, external_id=item.external_id),
            sort_keys=True,
            separators=(",", ":"),
        ).encode()
        timestamp = int(store.clock.now().timestamp())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Haven-Webhooks/1",
            SIGNATURE_HEADER: sign(hook.secret, timestamp, body),
            "X-Haven-Delivery": job.id,
        }
        try:
            answer = httpx.post(hook.url, content=body, headers=headers, timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise WebhookFailed(f"{hook.url}: {exc.__class__.__name__}: {exc}") from None
        if not 200 <= answer.status_code < 300:
            raise WebhookFailed(f"{hook.url} answered {answer.status_code}")
        return {"delivered": True, "platform": item.platform, "status": answer.status_code}

    def commit(self, tx: Any, job: Job, result: dict[str, Any], now: datetime) -> None:
        kind = "webhook.delivered" if result["delivered"] else "webhook.skipped"
        tx.audit.append(
            AuditEvent(
                "webhook",
                result["platform"],
                kind,
                "system",
                {**result, "decision": job.subject_id, "job": job.id},
            )
        )

    def give_up(self, tx: Any, job: Job) -> None:
        """Nothing to undo: the decision stands; the failure is in the job and the audit log."""
