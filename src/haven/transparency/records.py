"""What the transparency report counts beyond Haven's own decisions: orders from authorities
(DSA Art. 9 and 10), suspensions under Art. 23, and the monthly active recipients the platform
reports (Art. 24(2)). Each is checked here; a bad field names itself and nothing is stored."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from haven.errors import InputError
from haven.transparency.schema import CATEGORY, EEA

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
REFERENCE = re.compile(r"[\w ./:#()-]{1,200}")


class InvalidRecord(InputError):
    code = "invalid_transparency_record"


class OrderKind(StrEnum):
    ACT = "act_against_content"  # Art. 9
    INFORMATION = "provide_information"  # Art. 10


class SuspensionReason(StrEnum):
    """Art. 23(1) and (2), the three lines of Art. 24(1)(b)."""

    ILLEGAL_CONTENT = "manifestly_illegal_content"
    UNFOUNDED_NOTICES = "manifestly_unfounded_notices"
    UNFOUNDED_COMPLAINTS = "manifestly_unfounded_complaints"


@dataclass(frozen=True)
class Order:
    id: str
    platform: str
    kind: OrderKind
    member_state: str  # the issuing authority's Member State
    authority: str  # the authority's name (a public body, not a person)
    category: str  # a STATEMENT_CATEGORY_* of the harmonised taxonomy
    reference: str  # the authority's reference number
    received_at: datetime
    content_id: str | None = None
    acknowledged_at: datetime | None = None
    effect_at: datetime | None = None  # when the order was given effect


@dataclass(frozen=True)
class Suspension:
    id: str
    platform: str
    subject_id: str  # the platform's user id (personal data: erased with the person)
    reason: SuspensionReason
    warned_at: datetime  # Art. 23 requires a prior warning
    starts_at: datetime
    ends_at: datetime | None
    decided_by: str


@dataclass(frozen=True)
class ActiveRecipients:
    platform: str
    month: str  # YYYY-MM
    recipients: int
    method: str  # how the platform counted (Art. 24(2) and Recital 77)


def _bad(message: str, field: str) -> InvalidRecord:
    return InvalidRecord(message, field=field)


def _check_times(record: object, *names: str) -> None:
    """Times within 2000-2099: the year is read as given, since converting a time at the edge
    of the calendar (0001-01-01 with an offset) to UTC overflows."""
    for name in names:
        at = getattr(record, name)
        if at is not None and not 2000 <= at.year <= 2099:
            raise _bad(f"{name} must be a time between 2000 and 2099", name)


def check_order(order: Order) -> Order:
    _check_times(order, "received_at", "acknowledged_at", "effect_at")
    if order.member_state not in EEA:
        raise _bad(
            f"member_state {order.member_state!r} is not an EU or EEA country", "member_state"
        )
    if order.category not in CATEGORY:
        raise _bad(f"category {order.category!r} is not a STATEMENT_CATEGORY_* value", "category")
    if not order.authority.strip() or len(order.authority) > 200:
        raise _bad("authority must be 1-200 characters", "authority")
    if not REFERENCE.fullmatch(order.reference):
        raise _bad("reference must be 1-200 letters, digits or . / : # ( ) -", "reference")
    for name in ("acknowledged_at", "effect_at"):
        at = getattr(order, name)
        if at is not None and at < order.received_at:
            raise _bad(f"{name} is before the order was received", name)
    if order.kind is OrderKind.INFORMATION and order.content_id is not None:
        raise _bad("an information order (Art. 10) names no content to act on", "content_id")
    return order


def check_suspension(suspension: Suspension) -> Suspension:
    _check_times(suspension, "warned_at", "starts_at", "ends_at")
    if not suspension.subject_id.strip() or len(suspension.subject_id) > 200:
        raise _bad("subject_id must be 1-200 characters", "subject_id")
    if suspension.warned_at > suspension.starts_at:
        raise _bad("Art. 23 requires the warning before the suspension", "warned_at")
    if suspension.ends_at is not None and suspension.ends_at <= suspension.starts_at:
        raise _bad("ends_at must be after starts_at", "ends_at")
    return suspension


def check_active_recipients(figure: ActiveRecipients) -> ActiveRecipients:
    if not MONTH.fullmatch(figure.month):
        raise _bad(f"month {figure.month!r} is not YYYY-MM", "month")
    if not 0 <= figure.recipients <= 10**12:
        raise _bad("recipients must be between 0 and 10^12", "recipients")
    if not figure.method.strip() or len(figure.method) > 500:
        raise _bad("method must say how the figure was counted (1-500 characters)", "method")
    return figure
