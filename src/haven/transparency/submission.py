"""The client of the Transparency Database's API (DSA Art. 24(5)).

The database takes at most 100 statements a call and stores a call all or nothing: one invalid
statement or one ``puid`` it already holds refuses the whole call (errors keyed
``statement_<index>``, or ``existing_puids``). So the client validates every statement before
anything goes out (an invalid one is never sent; its reasons come back), and when a call is
refused it takes out what the database named and sends the rest again. A ``puid`` the database
reports as existing is confirmed with the existing-``puid`` check and counted as already there:
that is what makes a resubmission after a lost answer harmless. Timeouts, refused connections,
429 and 5xx answers are retried with exponential backoff (and ``Retry-After`` when given);
a refused token stops at once.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from haven.errors import HavenError
from haven.transparency.schema import PUID, validate

BATCH_LIMIT = 100  # the database's documented maximum per call
RETRIED_STATUSES = {429, 500, 502, 503, 504}


class SubmissionFailed(HavenError):
    """The database could not be reached, or answered in a way that stores nothing."""

    code = "transparency_database_failed"


class CallRefused(SubmissionFailed):
    """The database answered, and stored nothing, for a reason that may lie in what was sent
    (a 413, a 500 a statement causes, a 422 that names none): the batch is split to find it."""

    code = "transparency_database_refused_call"


class TokenRefused(SubmissionFailed):
    """401 or 403: the token is wrong or expired (a new token invalidates the old one)."""

    code = "transparency_database_token_refused"


@dataclass
class SubmissionOutcome:
    """What became of each statement, by ``puid``."""

    accepted: dict[str, str] = field(default_factory=dict)  # puid -> the database's uuid
    already_there: list[str] = field(default_factory=list)  # stored by an earlier call
    refused: dict[str, list[str]] = field(default_factory=dict)  # puid -> the reasons
    calls: int = 0  # HTTP calls made, retries included

    def merge(self, other: SubmissionOutcome) -> None:
        self.accepted.update(other.accepted)
        self.already_there.extend(other.already_there)
        self.refused.update(other.refused)
        self.calls += other.calls


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # calls per batch before giving up on a failing database
    first_wait: float = 1.0  # seconds; doubles on every retry, with jitter
    longest_wait: float = 60.0


class TransparencyDatabaseClient:
    """Submits statements of reasons; ``base_url`` is the database's host (the sandbox first,
    then production; each needs its own token)."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not token:
            raise TokenRefused("no token for the Transparency Database is configured")
        if not base_url.startswith(("https://", "http://")):
            raise SubmissionFailed(f"the Transparency Database address {base_url!r} is not a URL")
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            timeout=timeout,
            follow_redirects=False,  # the existing-puid check answers 302 and that is the answer
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/json",
                "Content-Type": "application/json",
            },
        )
        self._retry = retry or RetryPolicy()
        self._sleep = sleep

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> TransparencyDatabaseClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def exists(self, puid: str) -> bool:
        """Whether the database already holds a statement with ``puid`` (302 yes, 404 no)."""
        if not PUID.fullmatch(puid):
            raise SubmissionFailed(f"{puid!r} is not a puid (letters, digits, - and _)")
        response = self._call("GET", f"/api/v1/statement/existing-puid/{puid}")
        # 302 to the statement itself: a redirect elsewhere (http to https, a login page) is a
        # misconfigured address, not an answer.
        if response.status_code == 302 and "/api/v1/statement/" in response.headers.get(
            "Location", ""
        ):
            return True
        if response.status_code == 404:
            return False
        raise SubmissionFailed(
            f"the existing-puid check answered {response.status_code}", puid=puid
        )

    def submit(self, statements: Sequence[dict[str, Any]]) -> SubmissionOutcome:
        """Send ``statements`` in calls of at most 100. Invalid statements are never sent."""
        outcome = SubmissionOutcome()
        valid: list[dict[str, Any]] = []
        counts = Counter(str(s.get("puid", "")) for s in statements)
        for statement in statements:
            puid = str(statement.get("puid", ""))
            problems = validate(statement)
            if counts[puid] > 1:  # which copy is right is unknown: neither goes
                problems.append(f"puid {puid!r} appears {counts[puid]} times in this submission")
            if problems:
                outcome.refused.setdefault(puid, problems)
                continue
            valid.append(statement)
        for start in range(0, len(valid), BATCH_LIMIT):
            outcome.merge(self._submit_isolating(valid[start : start + BATCH_LIMIT]))
        return outcome

    def _submit_isolating(self, batch: list[dict[str, Any]]) -> SubmissionOutcome:
        """One batch; if the database refuses it without naming a statement, the halves are
        sent apart until the statement that causes it stands alone (then refused, with the
        answer as its reason), so one bad statement never holds up the others."""
        try:
            return self._submit_batch(batch)
        except CallRefused as refused:
            if len(batch) == 1:
                return SubmissionOutcome(refused={batch[0]["puid"]: [str(refused)]})
        outcome = SubmissionOutcome()
        middle = len(batch) // 2
        for half in (batch[:middle], batch[middle:]):
            outcome.merge(self._submit_isolating(half))
        return outcome

    def _submit_batch(self, batch: list[dict[str, Any]]) -> SubmissionOutcome:
        outcome = SubmissionOutcome()
        pending = list(batch)
        while pending:
            response = self._call("POST", "/api/v1/statements", json={"statements": pending})
            outcome.calls += 1
            if response.status_code == 201:
                sent = {s["puid"] for s in pending}
                for stored in _json(response).get("statements", []):
                    if isinstance(stored, dict) and stored.get("puid") in sent:
                        outcome.accepted[stored["puid"]] = str(stored.get("uuid", ""))
                # All or nothing: a 201 stored the whole call, even if its echo was short.
                for puid in sent - set(outcome.accepted):
                    outcome.accepted[puid] = ""
                return outcome
            if response.status_code != 422:
                raise CallRefused(
                    f"the database answered {response.status_code}: {response.text[:300]}"
                )
            errors = _json(response).get("errors") or {}
            named = self._take_out_named(pending, errors, outcome)
            if not named:
                raise CallRefused(f"the database refused the call: {errors}")
            pending = [s for s in pending if s["puid"] not in named]
        return outcome

    def _take_out_named(
        self, pending: list[dict[str, Any]], errors: dict[str, Any], outcome: SubmissionOutcome
    ) -> set[str]:
        """The puids a 422 named: invalid statements (refused, reasons kept) and puids the
        database holds already (confirmed one by one, then counted as there)."""
        named: set[str] = set()
        for key, messages in errors.items():
            if not key.startswith("statement_"):
                continue
            index = int(key.removeprefix("statement_"))
            if not 0 <= index < len(pending):
                continue
            puid = pending[index]["puid"]
            outcome.refused[puid] = [
                f"{name}: {text}" for name, texts in dict(messages).items() for text in texts
            ]
            named.add(puid)
        for puid in errors.get("existing_puids") or []:
            if puid in {s["puid"] for s in pending} and self.exists(puid):
                outcome.already_there.append(puid)
                named.add(puid)
        return named

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request, retried on transport errors, 429 and 5xx."""
        policy = self._retry
        for attempt in range(1, policy.attempts + 1):
            try:
                response = self._http.request(method, path, **kwargs)
            except httpx.InvalidURL as exc:
                raise SubmissionFailed(
                    f"the Transparency Database address is invalid: {exc}"
                ) from None
            except httpx.TransportError as exc:
                problem = f"{type(exc).__name__}: {exc}"
                wait_hint = None
            else:
                if response.status_code in (401, 403):
                    raise TokenRefused(f"the database refused the token ({response.status_code})")
                if response.status_code not in RETRIED_STATUSES:
                    return response
                problem = f"HTTP {response.status_code}"
                wait_hint = _retry_after(response)
            if attempt == policy.attempts:
                # A 500 may come from what was sent; 429, 502-504 and lost connections do not.
                failure = CallRefused if problem == "HTTP 500" else SubmissionFailed
                raise failure(f"the Transparency Database failed {attempt} times; last: {problem}")
            backoff = min(policy.longest_wait, policy.first_wait * 2 ** (attempt - 1))
            self._sleep(wait_hint if wait_hint is not None else random.uniform(0, backoff))
        raise AssertionError("unreachable")


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return min(300.0, max(0.0, float(value)))
    except ValueError:
        return None
