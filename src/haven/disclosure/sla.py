"""Service-level clocks of a security report: time to first response, to triage and to
resolution, each with its deadline by severity (``sla.yaml``), whether it was met or breached,
and the time left. Pure: the caller gives the time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Any

from haven.disclosure.data import load
from haven.disclosure.errors import ProgrammeDataError
from haven.disclosure.models import SecurityReport
from haven.disclosure.scoring import Severity

CLOCKS = ("first_response", "triage", "resolution")
UNRATED = "unrated"  # neither staff nor the researcher gave a severity
LEVELS = (*(s.value for s in reversed(Severity)), UNRATED)  # most severe first


class ClockStatus(StrEnum):
    RUNNING = "running"  # not done, deadline ahead
    MET = "met"  # done by the deadline
    BREACHED = "breached"  # done late, or still not done after the deadline


@dataclass(frozen=True)
class SlaTable:
    version: str
    hours: dict[str, dict[str, int]]  # level -> clock -> hours after receipt

    def as_dict(self) -> dict[str, Any]:
        return {"version": self.version, "unit": "hours", "targets": self.hours}


@dataclass(frozen=True)
class SlaClock:
    name: str
    level: str  # the severity (or "unrated") the deadline was taken from
    deadline: datetime
    done_at: datetime | None
    status: ClockStatus
    seconds_left: int | None  # while not done: to the deadline, negative once overdue

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "level": self.level,
            "deadline": self.deadline.isoformat(),
            "done_at": self.done_at.isoformat() if self.done_at else None,
            "status": self.status.value,
            "seconds_left": self.seconds_left,
        }


def parse_sla(data: dict[str, Any]) -> SlaTable:
    """Check the table: every level has the three clocks as whole positive hours, in order
    (first response ≤ triage ≤ resolution)."""
    targets = data.get("targets")
    if data.get("unit") != "hours" or not isinstance(targets, dict):
        raise ProgrammeDataError("sla.yaml: 'unit: hours' and a 'targets' mapping are needed")
    hours: dict[str, dict[str, int]] = {}
    for level in LEVELS:
        row = targets.get(level)
        if not isinstance(row, dict):
            raise ProgrammeDataError(f"sla.yaml: no targets for {level}")
        values = [row.get(name) for name in CLOCKS]
        if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values):
            raise ProgrammeDataError(f"sla.yaml: {level}: {', '.join(CLOCKS)} in whole hours > 0")
        if values != sorted(values):
            raise ProgrammeDataError(f"sla.yaml: {level}: targets must not shrink along the way")
        hours[level] = dict(zip(CLOCKS, values, strict=True))
    unknown = set(targets) - set(LEVELS)
    if unknown:
        raise ProgrammeDataError(f"sla.yaml: unknown levels {', '.join(sorted(unknown))}")
    return SlaTable(str(data["version"]), hours)


@cache
def sla_table() -> SlaTable:
    """The shipped table, checked once."""
    return parse_sla(load("sla.yaml"))


def clocks(report: SecurityReport, table: SlaTable, now: datetime) -> tuple[SlaClock, ...]:
    level = report.severity.value if report.severity else UNRATED
    triage = report.triage
    done = {
        "first_response": triage.first_response_at,
        "triage": triage.triaged_at,
        "resolution": triage.closed_at,
    }
    out = []
    for name in CLOCKS:
        deadline = report.received_at + timedelta(hours=table.hours[level][name])
        done_at = done[name]
        if done_at is not None:
            status = ClockStatus.MET if done_at <= deadline else ClockStatus.BREACHED
            left = None
        else:
            status = ClockStatus.RUNNING if now <= deadline else ClockStatus.BREACHED
            left = int((deadline - now).total_seconds())
        out.append(SlaClock(name, level, deadline, done_at, status, left))
    return tuple(out)


def is_breached(report_clocks: tuple[SlaClock, ...]) -> bool:
    return any(c.status is ClockStatus.BREACHED for c in report_clocks)
