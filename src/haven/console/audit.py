"""Audit search and chain verification, for administrators and compliance."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from haven.access.roles import Role
from haven.audit.service import verify_audit_log
from haven.cases.errors import NotPermitted
from haven.console.rendering import render
from haven.console.session import ConsoleSession, RuntimeDep, SessionDep

router = APIRouter()
PAGE = 100
Filter = Annotated[str, Query(max_length=200)]


def _check_reader(session: ConsoleSession) -> None:
    if session.reviewer.role not in (Role.ADMIN, Role.COMPLIANCE):
        raise NotPermitted("only administrators and compliance read the audit log")


@router.get("/audit", response_class=HTMLResponse)
def audit_search(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    subject_type: Filter = "",
    subject_id: Filter = "",
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
) -> HTMLResponse:
    _check_reader(session)
    with runtime.store.transaction(write=False) as tx:
        entries = list(
            tx.audit.entries(
                subject_type=subject_type.strip() or None,
                subject_id=subject_id.strip() or None,
                after_seq=after,
                limit=PAGE,
            )
        )
    rows = [
        {
            "entry": e,
            "payload": json.dumps(json.loads(e.payload_json), ensure_ascii=False, sort_keys=True),
        }
        for e in entries
    ]
    return render(
        request,
        "audit.html",
        session,
        rows=rows,
        subject_type=subject_type,
        subject_id=subject_id,
        next_after=entries[-1].seq if len(entries) == PAGE else None,
    )


@router.get("/audit/verify", response_class=HTMLResponse)
def audit_verify(request: Request, session: SessionDep, runtime: RuntimeDep) -> HTMLResponse:
    """Recompute the whole hash chain, as ``haven audit verify`` does."""
    _check_reader(session)
    return render(request, "audit_verify.html", session, report=verify_audit_log(runtime.store))
