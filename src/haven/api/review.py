"""Staff routes: log in, work the review queues, decide, decide appeals, read the audit log."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from haven.access.roles import Role
from haven.access.staff import login, logout
from haven.api.deps import RuntimeDep, StaffDep
from haven.api.schemas import (
    AppealDecisionIn,
    AuditEntryOut,
    CaseView,
    DecisionOut,
    EscalateIn,
    LoginIn,
    LoginOut,
    QueueOut,
    ReportView,
    ReviewIn,
)
from haven.cases import service
from haven.cases.errors import NoCase, NotPermitted
from haven.cases.queues import all_queues

router = APIRouter(prefix="/v1", tags=["staff"])


@router.post("/staff/login", response_model=LoginOut)
def staff_login(body: LoginIn, request: Request, runtime: RuntimeDep) -> LoginOut:
    """A bearer token for the staff routes (12 hours). Rate-limited per address."""
    request.app.state.login_limit.check(request.client.host if request.client else "unknown")
    issued = login(runtime.store, username=body.username, password=body.password)
    return LoginOut(
        token=issued.secret,
        expires_at=issued.token.expires_at,
        username=issued.account.username,
        role=issued.account.role,
    )


@router.post("/staff/logout", status_code=204)
def staff_logout(staff: StaffDep, runtime: RuntimeDep) -> Response:
    logout(runtime.store, staff.token, staff.account)
    return Response(status_code=204)


@router.get("/review/queues", response_model=list[QueueOut])
def queues(staff: StaffDep, runtime: RuntimeDep) -> list[QueueOut]:
    """The queues this role may work, with their open cases."""
    with runtime.store.transaction(write=False) as tx:
        counts = tx.cases.counts()
    return [
        QueueOut(queue=q, open=counts.get(q, 0)) for q in all_queues() if staff.reviewer.may_see(q)
    ]


def case_view(runtime: RuntimeDep, staff: StaffDep, content_id: str) -> CaseView:
    with runtime.store.transaction(write=False) as tx:
        state = tx.cases.get(content_id)
        if state is None:
            raise NoCase(f"content {content_id} has no case", content_id=content_id)
        if not staff.reviewer.may_see(state.queue):
            raise NotPermitted(f"{staff.reviewer.role.value} may not see the {state.queue} queue")
        item = tx.content.get(content_id)
        decision = tx.decisions.latest(content_id)
        reports = tx.reports.for_content(content_id)
    return CaseView(
        content_id=item.id,
        kind=item.kind.value,
        surface=item.surface,
        language=item.language,
        text=item.text,
        status=state.status.value,
        queue=state.queue,
        priority=state.priority,
        reasons=list(state.reasons),
        claimed_by=state.claimed_by,
        claim_expires_at=state.claim_expires_at,
        appeal_id=state.appeal_id,
        decision=DecisionOut.of(decision) if decision else None,
        reports=[
            ReportView(
                id=r.id,
                received_at=r.received_at,
                category=r.notice.category,
                explanation=r.notice.explanation,
                reporter_kind=r.notice.reporter_kind.value,
                video_timestamp=r.notice.video_timestamp,
            )
            for r in reports
        ],
    )


@router.post(
    "/review/queues/{queue}/claim",
    response_model=CaseView,
    responses={204: {"description": "the queue is empty"}},
)
def claim_next(queue: str, staff: StaffDep, runtime: RuntimeDep) -> CaseView | Response:
    """Claim the most urgent case in the queue for 15 minutes."""
    state = service.claim_next(runtime.store, staff.reviewer, queue)
    if state is None:
        return Response(status_code=204)
    return case_view(runtime, staff, state.content_id)


@router.get("/review/cases/{content_id}", response_model=CaseView)
def get_case(content_id: str, staff: StaffDep, runtime: RuntimeDep) -> CaseView:
    return case_view(runtime, staff, content_id)


@router.post("/review/cases/{content_id}/claim", response_model=CaseView)
def claim(content_id: str, staff: StaffDep, runtime: RuntimeDep) -> CaseView:
    service.claim(runtime.store, staff.reviewer, content_id)
    return case_view(runtime, staff, content_id)


@router.post("/review/cases/{content_id}/release", response_model=CaseView)
def release(content_id: str, staff: StaffDep, runtime: RuntimeDep) -> CaseView:
    service.release(runtime.store, staff.reviewer, content_id)
    return case_view(runtime, staff, content_id)


@router.post("/review/cases/{content_id}/escalate", response_model=CaseView)
def escalate(content_id: str, body: EscalateIn, staff: StaffDep, runtime: RuntimeDep) -> CaseView:
    service.escalate(runtime.store, staff.reviewer, content_id, body.reason)
    return case_view(runtime, staff, content_id)


@router.post("/review/cases/{content_id}/decide", response_model=DecisionOut)
def decide(content_id: str, body: ReviewIn, staff: StaffDep, runtime: RuntimeDep) -> DecisionOut:
    """Decide a claimed case; a restriction writes its statement of reasons from this record."""
    review = service.ReviewDecision(
        body.outcome,
        body.explanation,
        body.ground,
        body.ground_reference,
        tuple(body.territorial_scope),
        body.duration_days,
    )
    decision = service.decide(runtime.store, staff.reviewer, content_id, review)
    return DecisionOut.of(decision)


@router.post("/review/cases/{content_id}/appeal-decision")
def decide_appeal(
    content_id: str, body: AppealDecisionIn, staff: StaffDep, runtime: RuntimeDep
) -> dict[str, str]:
    decided = service.decide_appeal(
        runtime.store,
        staff.reviewer,
        content_id,
        reverse=body.reverse,
        explanation=body.explanation,
        new_outcome=body.new_outcome,
    )
    return {"appeal_id": decided.id, "status": decided.status.value}


@router.get("/review/cases/{content_id}/authority-report")
def authority_report(content_id: str, staff: StaffDep, runtime: RuntimeDep) -> dict[str, Any]:
    """The legal hold and the drafted authority report (CyberTipline fields) of a child-safety
    case: for child-safety specialists only. Haven never sends it."""
    if staff.reviewer.role is not Role.CHILD_SAFETY:
        raise NotPermitted("only child-safety specialists see authority reports")
    with runtime.store.transaction(write=False) as tx:
        if tx.cases.get(content_id) is None:
            raise NoCase(f"content {content_id} has no case", content_id=content_id)
        return {"legal_hold": tx.legal.held(content_id), "drafts": tx.legal.drafts(content_id)}


@router.get("/audit", response_model=list[AuditEntryOut])
def audit_entries(
    staff: StaffDep,
    runtime: RuntimeDep,
    subject_type: Annotated[str | None, Query(max_length=200)] = None,
    subject_id: Annotated[str | None, Query(max_length=200)] = None,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditEntryOut]:
    """Audit search for administrators and compliance."""
    if staff.reviewer.role not in (Role.ADMIN, Role.COMPLIANCE):
        raise NotPermitted("only administrators and compliance read the audit log")
    with runtime.store.transaction(write=False) as tx:
        entries = list(
            tx.audit.entries(
                subject_type=subject_type, subject_id=subject_id, after_seq=after, limit=limit
            )
        )
    return [
        AuditEntryOut(
            seq=e.seq,
            at=e.at,
            subject_type=e.subject_type,
            subject_id=e.subject_id,
            kind=e.kind,
            actor=e.actor,
            payload=json.loads(e.payload_json),
            hash=e.hash,
        )
        for e in entries
    ]
