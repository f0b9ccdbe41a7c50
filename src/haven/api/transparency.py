"""``/v1/transparency``: what the platform tells Haven for its transparency report (orders from
authorities, Art. 23 suspensions, monthly active recipients), the report of a period as JSON,
CSV or an HTML page, and the statements of reasons due to the Transparency Database."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, PlainTextResponse
from pydantic import AwareDatetime, Field

from haven.api.deps import PlatformKey, RuntimeDep
from haven.api.schemas import Strict
from haven.transparency import service
from haven.transparency.periods import parse_period
from haven.transparency.records import (
    ActiveRecipients,
    Order,
    OrderKind,
    Suspension,
    SuspensionReason,
)
from haven.transparency.render import to_csv, to_html

router = APIRouter(prefix="/v1/transparency", tags=["transparency"])


class OrderIn(Strict):
    kind: OrderKind
    member_state: str = Field(min_length=2, max_length=2, description="EU/EEA country code")
    authority: str = Field(min_length=1, max_length=200)
    category: str = Field(max_length=80, description="a STATEMENT_CATEGORY_* value")
    reference: str = Field(min_length=1, max_length=200)
    received_at: AwareDatetime
    content_id: str | None = Field(default=None, max_length=36)
    acknowledged_at: AwareDatetime | None = None
    effect_at: AwareDatetime | None = None


class OrderProgressIn(Strict):
    acknowledged_at: AwareDatetime | None = None
    effect_at: AwareDatetime | None = None


class SuspensionIn(Strict):
    subject_id: str = Field(min_length=1, max_length=200)
    reason: SuspensionReason
    warned_at: AwareDatetime
    starts_at: AwareDatetime
    ends_at: AwareDatetime | None = None


class RecipientsIn(Strict):
    recipients: int = Field(ge=0, le=10**12)
    method: str = Field(min_length=1, max_length=500)


def _order(order: Order) -> dict[str, Any]:
    out = asdict(order)
    out["kind"] = order.kind.value
    for name in ("received_at", "acknowledged_at", "effect_at"):
        value = out[name]
        out[name] = value.isoformat() if isinstance(value, datetime) else None
    return out


@router.post("/orders", status_code=201)
def post_order(body: OrderIn, key: PlatformKey, runtime: RuntimeDep) -> dict[str, Any]:
    """An order from a national authority: to act against content (Art. 9) or to provide
    information (Art. 10)."""
    order = Order("", key.platform, **body.model_dump())
    return _order(service.record_order(runtime.store, order, actor=key.actor))


@router.patch("/orders/{order_id}")
def patch_order(
    order_id: str, body: OrderProgressIn, key: PlatformKey, runtime: RuntimeDep
) -> dict[str, Any]:
    """When the order was acknowledged and when it was given effect."""
    return _order(
        service.update_order(
            runtime.store,
            platform=key.platform,
            order_id=order_id,
            actor=key.actor,
            acknowledged_at=body.acknowledged_at,
            effect_at=body.effect_at,
        )
    )


@router.post("/suspensions", status_code=201)
def post_suspension(body: SuspensionIn, key: PlatformKey, runtime: RuntimeDep) -> dict[str, str]:
    """A suspension under Art. 23 (after a warning): of an account that posted manifestly
    illegal content, or of a notifier or complainant for manifestly unfounded ones."""
    suspension = Suspension("", key.platform, decided_by=key.actor, **body.model_dump())
    recorded = service.record_suspension(runtime.store, suspension, actor=key.actor)
    return {"id": recorded.id, "reason": recorded.reason.value}


@router.put("/active-recipients/{month}")
def put_recipients(
    month: str, body: RecipientsIn, key: PlatformKey, runtime: RuntimeDep
) -> dict[str, Any]:
    """The average monthly active recipients in the EU for ``month`` (YYYY-MM), Art. 24(2)."""
    figure = ActiveRecipients(key.platform, month, body.recipients, body.method)
    return asdict(service.report_active_recipients(runtime.store, figure, actor=key.actor))


@router.get("/report", response_model=None)
def get_report(
    key: PlatformKey,
    runtime: RuntimeDep,
    period: str = Query(max_length=10, description="2026H1, 2026, 2026Q2 or 2026-06"),
    format: Literal["json", "csv", "html"] = "json",
) -> dict[str, Any] | PlainTextResponse | HTMLResponse:
    """The transparency report of a period (Art. 15 and 24)."""
    report = service.transparency_report(
        runtime.store, platform=key.platform, period=parse_period(period)
    )
    if format == "csv":
        return PlainTextResponse(to_csv(report), media_type="text/csv")
    if format == "html":
        return HTMLResponse(to_html(report))
    return report


@router.get("/statements/pending")
def pending_statements(
    key: PlatformKey,
    runtime: RuntimeDep,
    limit: int = Query(default=1000, ge=1, le=10_000),
) -> dict[str, Any]:
    """The statements of reasons not yet accepted by the Transparency Database, as its batch
    endpoint takes them, and those that fail its rules (never sent) with the reasons."""
    prepared = service.prepare_statements(runtime.store, platform=key.platform, limit=limit)
    return {
        "statements": prepared.statements,
        "invalid": prepared.invalid,
        "nothing_to_report": prepared.nothing_to_report,
    }
