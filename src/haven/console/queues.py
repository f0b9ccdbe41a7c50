"""The queues a reviewer may work, the open cases in one, and claiming the next."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from haven.cases import service
from haven.cases.errors import NotPermitted
from haven.cases.queues import APPEALS_QUEUE, all_queues
from haven.console.rendering import render
from haven.console.session import COOKIE_PATH, FormSessionDep, RuntimeDep, SessionDep

router = APIRouter()


@router.get("/")
def home() -> Response:
    return RedirectResponse(f"{COOKIE_PATH}/queues", status_code=303)


@router.get("/queues", response_class=HTMLResponse)
def queues(
    request: Request, session: SessionDep, runtime: RuntimeDep, note: str = ""
) -> HTMLResponse:
    with runtime.store.transaction(write=False) as tx:
        counts = tx.cases.counts()
    visible = [q for q in all_queues() if session.reviewer.may_see(q)]
    rows = [{"queue": q, "open": counts.get(q, 0)} for q in visible]
    rows.sort(key=lambda row: (row["open"] == 0, visible.index(row["queue"])))
    return render(request, "queues.html", session, rows=rows, note=note[:200])


@router.get("/queues/{queue}", response_class=HTMLResponse)
def queue_page(
    queue: str, request: Request, session: SessionDep, runtime: RuntimeDep
) -> HTMLResponse:
    if queue not in all_queues():
        return render(
            request,
            "error.html",
            session,
            status=404,
            message=f"There is no queue called {queue!r}.",
        )
    if not session.reviewer.may_see(queue):
        raise NotPermitted(f"{session.reviewer.role.value} may not see the {queue} queue")
    with runtime.store.transaction(write=False) as tx:
        cases = tx.cases.open_in(queue, limit=200)
        items = {case.content_id: tx.content.get(case.content_id) for case in cases}
    now = runtime.store.clock.now()
    rows = [
        {"case": case, "item": items[case.content_id], "holder": case.claimed_at(now)}
        for case in cases
    ]
    return render(
        request, "queue.html", session, queue=queue, rows=rows, appeals=queue == APPEALS_QUEUE
    )


@router.post("/queues/{queue}/claim")
def claim_next(queue: str, session: FormSessionDep, runtime: RuntimeDep) -> Response:
    state = service.claim_next(runtime.store, session.reviewer, queue)
    if state is None:
        return RedirectResponse(
            f"{COOKIE_PATH}/queues?note=The+{queue}+queue+is+empty.", status_code=303
        )
    return RedirectResponse(f"{COOKIE_PATH}/cases/{state.content_id}", status_code=303)
