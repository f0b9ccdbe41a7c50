"""The reward table (``rewards.yaml``): an amount per severity, for resolved reports only."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from haven.disclosure.data import load
from haven.disclosure.errors import ProgrammeDataError
from haven.disclosure.models import SecurityReport
from haven.disclosure.scoring import Severity
from haven.disclosure.states import State

_CURRENCY_LENGTH = 3  # ISO 4217


@dataclass(frozen=True)
class RewardTable:
    version: str
    currency: str
    amounts: dict[Severity, int]

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "currency": self.currency,
            "amounts": {s.value: a for s, a in self.amounts.items()},
        }


@dataclass(frozen=True)
class Reward:
    amount: int
    currency: str
    severity: Severity
    table_version: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "amount": self.amount,
            "currency": self.currency,
            "severity": self.severity.value,
            "table_version": self.table_version,
        }


def parse_rewards(data: dict[str, Any]) -> RewardTable:
    currency = data.get("currency")
    amounts = data.get("amounts")
    if not (isinstance(currency, str) and len(currency) == _CURRENCY_LENGTH and currency.isupper()):
        raise ProgrammeDataError("rewards.yaml: currency is an ISO 4217 code such as EUR")
    if not isinstance(amounts, dict) or set(amounts) != {s.value for s in Severity}:
        raise ProgrammeDataError(
            f"rewards.yaml: amounts for exactly {', '.join(s.value for s in Severity)}"
        )
    checked: dict[Severity, int] = {}
    for severity in Severity:
        amount = amounts[severity.value]
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise ProgrammeDataError(f"rewards.yaml: {severity.value}: a whole amount >= 0")
        checked[severity] = amount
    return RewardTable(str(data["version"]), currency, checked)


@cache
def reward_table() -> RewardTable:
    """The shipped table, checked once."""
    return parse_rewards(load("rewards.yaml"))


def reward_for(report: SecurityReport, table: RewardTable) -> Reward | None:
    """The reward of a resolved report by the severity staff assessed; None otherwise
    (open, duplicate, not applicable)."""
    severity = report.triage.severity
    if report.triage.state is not State.RESOLVED or severity is None:
        return None
    return Reward(table.amounts[severity], table.currency, severity, table.version)
