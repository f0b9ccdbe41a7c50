"""The well-being service: users and their settings, usage events, the questions a platform
asks, and Family Pairing. Each call owns its transaction; every change is audited."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from haven.audit.models import AuditEvent
from haven.wellbeing import rules
from haven.wellbeing.ages import AgeBand
from haven.wellbeing.errors import (
    InvalidWellbeingRequest,
    NotPaired,
    PairingRefused,
    TooManyAttempts,
    UnknownUser,
)
from haven.wellbeing.interfaces import WellbeingStore, WellbeingTransaction
from haven.wellbeing.models import (
    Answer,
    Link,
    ParentControls,
    UsageEvent,
    UsageKind,
    UserProfile,
    ViewedContent,
    Viewer,
)
from haven.wellbeing.parsing import controls_dict, parse_controls, parse_settings, time_zone
from haven.wellbeing.screentime import active_intervals, day_usage
from haven.wellbeing.status import LimitStatus, Reminder, limit_status, reminders_due, unlocked_by

USER_ID = re.compile(r"[^\s]{1,200}")
PASSCODE = re.compile(r"[0-9]{4,12}")
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L: read aloud or typed
CODE_LENGTH = 8  # 30^8: about 39 bits
CODE_LIFETIME = timedelta(minutes=10)
GUESS_WINDOW = timedelta(minutes=15)
MAX_GUESSES = 5  # per teen (pairing) or per user (passcodes) in the window
MAX_OPEN_CODES = 5  # unused, unexpired pairing codes per parent
MAX_PENDING_REQUESTS = 3  # a teen's unanswered requests for more time
MAX_EVENTS = 1000
EVENT_PAST = timedelta(days=31)  # older events are refused: totals are kept 31 days back
EVENT_FUTURE = timedelta(minutes=5)  # clock skew allowed
MAX_UNLOCK_MINUTES = 120
_hasher = PasswordHasher()


def _bad(field: str, message: str) -> InvalidWellbeingRequest:
    return InvalidWellbeingRequest(f"{field}: {message}", field=field)


def _check_id(value: str, field: str) -> str:
    if not isinstance(value, str) or not USER_ID.fullmatch(value):
        raise _bad(field, "1-200 characters without spaces")
    return value


def _audit(
    tx: WellbeingTransaction, subject: str, subject_id: str, kind: str, actor: str, **payload: Any
) -> None:
    tx.audit.append(AuditEvent(subject, subject_id[:200], kind, actor, payload))


# --- users -----------------------------------------------------------------------------------


def put_user(
    store: WellbeingStore,
    *,
    platform: str,
    user_id: str,
    age_band: AgeBand | str,
    time_zone_name: str,
    settings: dict[str, Any],
    passcode: str | None = None,
    actor: str,
) -> UserProfile:
    """Register or update a user: band, IANA time zone, own settings and, optionally, the
    passcode that unlocks more time past the daily limit."""
    _check_id(user_id, "user_id")
    try:
        band = AgeBand(age_band)
    except ValueError:
        raise _bad("age_band", f"one of {', '.join(b.value for b in AgeBand)}") from None
    time_zone(time_zone_name)
    parsed = parse_settings(settings)
    digest = None
    if passcode is not None:
        if not PASSCODE.fullmatch(passcode):
            raise _bad("passcode", "4-12 digits")
        digest = _hasher.hash(passcode)
    now = store.clock.now()
    profile = UserProfile(platform, user_id, band, time_zone_name, parsed, False, now)
    with store.transaction() as tx:
        before = tx.wellbeing.user(platform, user_id)
        tx.wellbeing.put_user(profile, digest, keep_passcode=passcode is None)
        if before is not None and before.age_band is not band:
            _end_links_that_no_longer_fit(tx, platform, user_id, band, now, actor)
        _audit(
            tx,
            "wellbeing_user",
            f"{platform}/{user_id}",
            "wellbeing.user_saved",
            actor,
            age_band=band.value,
            time_zone=time_zone_name,
            new=before is None,
            passcode_changed=passcode is not None,
        )
        saved = tx.wellbeing.user(platform, user_id)
    if saved is None:  # the row was written in this very transaction
        raise UnknownUser(f"user {user_id!r} could not be stored", user_id=user_id)
    return saved


def effective_settings(store: WellbeingStore, platform: str, user_id: str) -> dict[str, Any]:
    with store.transaction(write=False) as tx:
        viewer, _ = _viewer(tx, platform, user_id)
    return rules.effective_settings(viewer)


def _end_links_that_no_longer_fit(
    tx: WellbeingTransaction, platform: str, user_id: str, band: AgeBand, now: datetime, actor: str
) -> None:
    """A teen who is now an adult leaves Family Pairing; a parent who turns out to be a minor
    can no longer be one. The other side is told."""
    ending: list[tuple[Link, str]] = []
    as_teen = tx.wellbeing.active_link_for_teen(platform, user_id)
    if as_teen is not None and not band.minor:
        ending.append((as_teen[0], as_teen[0].parent_id))
    if band is not AgeBand.ADULT:
        ending += [
            (link, link.teen_id) for link in tx.wellbeing.active_links_of_parent(platform, user_id)
        ]
    for link, other in ending:
        tx.wellbeing.end_link(link.id, at=now, by="age_band_change")
        tx.wellbeing.add_notice(
            platform,
            other,
            "pairing.unlinked",
            now,
            {"by": "age_band_change", "teen_id": link.teen_id},
        )
        _audit(
            tx, "pairing", link.id, "pairing.unlinked", actor, by="age_band_change", band=band.value
        )


def profile(store: WellbeingStore, platform: str, user_id: str) -> UserProfile:
    with store.transaction(write=False) as tx:
        return _profile(tx, platform, user_id)


def _profile(tx: WellbeingTransaction, platform: str, user_id: str) -> UserProfile:
    found = tx.wellbeing.user(platform, user_id)
    if found is None:
        raise UnknownUser(
            f"no user {user_id!r} on this platform; register them first", user_id=user_id
        )
    return found


def _viewer(tx: WellbeingTransaction, platform: str, user_id: str) -> tuple[Viewer, UserProfile]:
    user = _profile(tx, platform, user_id)
    link = tx.wellbeing.active_link_for_teen(platform, user_id, teen_zone=user.time_zone)
    controls = link[0].controls if link else None
    return Viewer(user_id, user.age_band, user.settings, controls), user


# --- the questions -----------------------------------------------------------------------------


def may_view(
    store: WellbeingStore, platform: str, viewer_id: str, content: ViewedContent
) -> Answer:
    with store.transaction(write=False) as tx:
        viewer, _ = _viewer(tx, platform, viewer_id)
    return rules.may_view(viewer, content)


def may_message(
    store: WellbeingStore,
    platform: str,
    sender_id: str,
    recipient_id: str,
    *,
    recipient_follows_sender: bool,
    sender_follows_recipient: bool,
) -> Answer:
    with store.transaction(write=False) as tx:
        sender, _ = _viewer(tx, platform, sender_id)
        recipient, _ = _viewer(tx, platform, recipient_id)
    return rules.may_message(
        sender,
        recipient,
        recipient_follows_sender=recipient_follows_sender,
        sender_follows_recipient=sender_follows_recipient,
    )


def may_notify(store: WellbeingStore, platform: str, user_id: str) -> Answer:
    with store.transaction(write=False) as tx:
        viewer, user = _viewer(tx, platform, user_id)
    return rules.may_notify(viewer, store.clock.now().astimezone(time_zone(user.time_zone)))


@dataclass(frozen=True)
class ScreenTime:
    """Everything time-based about a user now: the limit, Time Away, reminders due."""

    limit: LimitStatus
    reminders: list[Reminder]


def _usage(
    tx: WellbeingTransaction, platform: str, user: UserProfile, now: datetime, days: int
) -> list[UsageEvent]:
    # A day before the window too: an interval that began before midnight counts after it.
    return tx.wellbeing.events(
        platform, user.user_id, since=now - timedelta(days=days + 1), until=now
    )


def screen_time(store: WellbeingStore, platform: str, user_id: str) -> ScreenTime:
    now = store.clock.now()
    with store.transaction(write=False) as tx:
        viewer, user = _viewer(tx, platform, user_id)
        zone = time_zone(user.time_zone)
        local_now = now.astimezone(zone)
        events = _usage(tx, platform, user, now, 1)
        extra = tx.wellbeing.extra_minutes(platform, user_id, local_now.date().isoformat())
        exempt_until = tx.wellbeing.exempt_until(platform, user_id, now)
    intervals = active_intervals(events, now=now)
    today = day_usage(local_now.date(), zone, intervals, events)
    status = limit_status(
        viewer,
        local_now,
        used=today.active,
        extra_minutes=extra,
        exempt_until=exempt_until.astimezone(zone) if exempt_until else None,
    )
    due = reminders_due(
        viewer, local_now, intervals=intervals, events=events, used_today=today.active
    )
    return ScreenTime(status, due)


def dashboard(
    store: WellbeingStore, platform: str, user_id: str, *, days: int = 7
) -> dict[str, Any]:
    """Daily time, opens and the day/night split for the last ``days`` local days (today last),
    with the week's totals (the weekly summary)."""
    if not 1 <= days <= 31:
        raise _bad("days", "1 to 31")
    now = store.clock.now()
    with store.transaction(write=False) as tx:
        user = _profile(tx, platform, user_id)
        events = _usage(tx, platform, user, now, days)
    zone = time_zone(user.time_zone)
    intervals = active_intervals(events, now=now)
    today = now.astimezone(zone).date()
    per_day = [
        day_usage(today - timedelta(days=n), zone, intervals, events) for n in reversed(range(days))
    ]
    total = sum((d.active for d in per_day), timedelta(0))
    return {
        "user_id": user_id,
        "time_zone": user.time_zone,
        "days": [d.as_dict() for d in per_day],
        "summary": {
            "minutes": round(total.total_seconds() / 60, 1),
            "average_minutes_per_day": round(total.total_seconds() / 60 / days, 1),
            "opens": sum(d.opens for d in per_day),
            "night_minutes": round(
                sum((d.night for d in per_day), timedelta(0)).total_seconds() / 60, 1
            ),
        },
    }


def record_usage(
    store: WellbeingStore, platform: str, events: list[dict[str, Any]]
) -> dict[str, int]:
    """Take a batch of usage events, all or nothing; an event id already seen is not counted
    again (the platform can resend a batch safely)."""
    if not isinstance(events, list) or not 1 <= len(events) <= MAX_EVENTS:
        raise _bad("events", f"1 to {MAX_EVENTS} events")
    now = store.clock.now()
    parsed: list[UsageEvent] = []
    for index, raw in enumerate(events):
        field = f"events.{index}"
        if not isinstance(raw, dict) or set(raw) != {"event_id", "user_id", "kind", "at"}:
            raise _bad(field, "an object with exactly event_id, user_id, kind and at")
        try:
            kind = UsageKind(raw["kind"])
        except ValueError:
            raise _bad(f"{field}.kind", f"one of {', '.join(k.value for k in UsageKind)}") from None
        at = raw["at"]
        if not isinstance(at, datetime) or at.tzinfo is None:
            raise _bad(f"{field}.at", "a date-time with its UTC offset")
        if at > now + EVENT_FUTURE:
            raise _bad(f"{field}.at", "is in the future")
        if at < now - EVENT_PAST:
            raise _bad(f"{field}.at", "is more than 31 days old")
        parsed.append(
            UsageEvent(
                _check_id(raw["event_id"], f"{field}.event_id"),
                _check_id(raw["user_id"], f"{field}.user_id"),
                kind,
                at,
            )
        )
    ids = [e.event_id for e in parsed]
    if len(set(ids)) != len(ids):
        # The same id twice in one batch with different content is ambiguous: refuse it.
        seen: dict[str, UsageEvent] = {}
        for event in parsed:
            if event.event_id in seen and seen[event.event_id] != event:
                raise _bad(
                    "events", f"event id {event.event_id!r} is given twice with different content"
                )
            seen[event.event_id] = event
        parsed = list(seen.values())
    with store.transaction() as tx:
        users = {e.user_id for e in parsed}
        unknown = users - tx.wellbeing.known_users(platform, users)
        if unknown:
            raise UnknownUser(
                f"unknown users: {', '.join(sorted(unknown)[:10])}", user_id=sorted(unknown)[0]
            )
        accepted = tx.wellbeing.add_events(platform, parsed)
    return {"received": len(events), "accepted": accepted, "duplicates": len(events) - accepted}


def _check_guesses(
    tx: WellbeingTransaction, platform: str, subject: str, now: datetime, limit: int
) -> None:
    if tx.wellbeing.failed_attempts(platform, subject, since=now - GUESS_WINDOW) >= limit:
        raise TooManyAttempts("too many wrong guesses: wait 15 minutes and try again")


def _verify(digest: str | None, secret: str) -> bool:
    if digest is None:
        return False
    try:
        return _hasher.verify(digest, secret)
    except (VerificationError, InvalidHashError):
        return False


def unlock(
    store: WellbeingStore, platform: str, user_id: str, *, passcode: str, minutes: int = 30
) -> ScreenTime:
    """More time today past the daily limit: the teen's own passcode, or the parent's for a
    paired teen or an under-13 (T8). Wrong passcodes are counted; five lock it for 15 minutes."""
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, int)
        or not 1 <= minutes <= MAX_UNLOCK_MINUTES
    ):
        raise _bad("minutes", f"1 to {MAX_UNLOCK_MINUTES}")
    if not isinstance(passcode, str) or not PASSCODE.fullmatch(passcode):
        raise _bad("passcode", "4-12 digits")
    now = store.clock.now()
    subject = f"unlock:{user_id}"
    with store.transaction() as tx:
        viewer, user = _viewer(tx, platform, user_id)
        _check_guesses(tx, platform, subject, now, MAX_GUESSES)
        who = unlocked_by(viewer)
        if who == "parent_passcode":
            link = tx.wellbeing.active_link_for_teen(platform, user_id)
            digest = link[1] if link else None
            if digest is None:
                raise _bad(
                    "passcode", "the parent has set no passcode yet (Family Pairing controls)"
                )
        else:
            digest = tx.wellbeing.passcode_hash(platform, user_id)
            if digest is None:
                raise _bad("passcode", "no passcode is set for this user")
        ok = _verify(digest, passcode)
        if ok:
            local_date = now.astimezone(time_zone(user.time_zone)).date().isoformat()
            tx.wellbeing.add_grant(platform, user_id, local_date, minutes, None, who, now)
            tx.wellbeing.forget_attempts(platform, subject)
            _audit(
                tx,
                "wellbeing_user",
                f"{platform}/{user_id}",
                "wellbeing.unlocked",
                f"user:{user_id}",
                minutes=minutes,
                by=who,
            )
        else:
            tx.wellbeing.add_failed_attempt(platform, subject, now)
    if not ok:
        raise PairingRefused("the passcode is wrong")
    return screen_time(store, platform, user_id)


# --- Family Pairing -----------------------------------------------------------------------------


def _code_digest(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def issue_pairing_code(
    store: WellbeingStore, platform: str, parent_id: str, *, actor: str
) -> tuple[str, datetime]:
    """A one-time code the parent shows the teen: 10 minutes, single use. Issuing it is the
    parent's consent; redeeming it the teen's."""
    now = store.clock.now()
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    with store.transaction() as tx:
        parent = _profile(tx, platform, parent_id)
        if parent.age_band is not AgeBand.ADULT:
            raise NotPaired("only an adult account can be the parent in Family Pairing")
        if tx.wellbeing.open_codes(platform, parent_id, now) >= MAX_OPEN_CODES:
            raise TooManyAttempts(
                f"{MAX_OPEN_CODES} codes are still open: use one or wait for them to expire"
            )
        tx.wellbeing.add_code(_code_digest(code), platform, parent_id, now, now + CODE_LIFETIME)
        _audit(
            tx, "pairing", f"{platform}/{parent_id}", "pairing.code_issued", actor, parent=parent_id
        )
    return code, now + CODE_LIFETIME


def redeem_pairing_code(
    store: WellbeingStore, platform: str, teen_id: str, code: str, *, actor: str
) -> Link:
    now = store.clock.now()
    normalised = (
        code.strip().upper().replace("-", "").replace(" ", "") if isinstance(code, str) else ""
    )
    well_formed = len(normalised) == CODE_LENGTH and all(c in CODE_ALPHABET for c in normalised)
    subject = f"pair:{teen_id}"
    with store.transaction() as tx:
        teen = _profile(tx, platform, teen_id)
        _check_guesses(tx, platform, subject, now, MAX_GUESSES)
        # A code is 30^8 (about 6.5e11) values alive for 10 minutes: five guesses per teen in
        # 15 minutes leave no practical chance, without letting anyone lock out other families.
        found = tx.wellbeing.code(_code_digest(normalised)) if well_formed else None
        problem = None
        if found is None or found.platform != platform:
            problem = "the code is wrong"
        elif found.used_at is not None:
            problem = "the code was already used"
        elif found.expires_at <= now:
            problem = "the code has expired; ask for a new one"
        if problem is None and not teen.age_band.minor:
            raise NotPaired("Family Pairing links a parent to a teen: this account is an adult's")
        if problem is None and tx.wellbeing.active_link_for_teen(platform, teen_id) is not None:
            raise NotPaired("this teen is already paired; unlink first")
        if problem is None and found.parent_id == teen_id:
            problem = "the code is wrong"
        if problem is None and tx.wellbeing.use_code(found.code_hash, now):
            link = Link(
                str(uuid.uuid4()), platform, found.parent_id, teen_id, now, ParentControls(), False
            )
            tx.wellbeing.add_link(link)
            tx.wellbeing.forget_attempts(platform, subject)
            _audit(
                tx,
                "pairing",
                link.id,
                "pairing.linked",
                actor,
                parent=found.parent_id,
                teen=teen_id,
            )
            tx.wellbeing.add_notice(
                platform, found.parent_id, "pairing.linked", now, {"teen_id": teen_id}
            )
            return link
        if problem is None:
            problem = "the code was already used"
        tx.wellbeing.add_failed_attempt(platform, subject, now)
    raise PairingRefused(problem)


def _link_of(
    tx: WellbeingTransaction, platform: str, teen_id: str, parent_id: str | None = None
) -> tuple[Link, str | None]:
    found = tx.wellbeing.active_link_for_teen(platform, teen_id)
    if found is None or (parent_id is not None and found[0].parent_id != parent_id):
        raise NotPaired(f"{parent_id or 'nobody'} is not paired with {teen_id}")
    return found


def pairing_view(store: WellbeingStore, platform: str, user_id: str) -> dict[str, Any]:
    """What a user sees of Family Pairing: a teen sees its parent and every control set (the
    teen sees what is set); a parent sees each linked teen's controls. Never message content:
    Haven keeps none."""
    with store.transaction(write=False) as tx:
        _profile(tx, platform, user_id)
        as_teen = tx.wellbeing.active_link_for_teen(platform, user_id)
        as_parent = tx.wellbeing.active_links_of_parent(platform, user_id)
    return {
        "user_id": user_id,
        "parent": _link_dict(as_teen[0]) if as_teen else None,
        "teens": [_link_dict(link) for link in as_parent],
    }


def _link_dict(link: Link) -> dict[str, Any]:
    return {
        "link_id": link.id,
        "parent_id": link.parent_id,
        "teen_id": link.teen_id,
        "since": link.created_at.isoformat(),
        "controls": controls_dict(link.controls),
        "parent_passcode_set": link.has_parent_passcode,
    }


def set_controls(
    store: WellbeingStore,
    platform: str,
    *,
    parent_id: str,
    teen_id: str,
    controls: dict[str, Any],
    parent_passcode: str | None = None,
    actor: str,
) -> dict[str, Any]:
    """Replace the parent's controls for the teen (the whole matrix); they apply from the
    teen's next check. The teen is told."""
    if parent_passcode is not None and not (
        isinstance(parent_passcode, str) and PASSCODE.fullmatch(parent_passcode)
    ):
        raise _bad("parent_passcode", "4-12 digits")
    now = store.clock.now()
    with store.transaction() as tx:
        teen = _profile(tx, platform, teen_id)
        link, _ = _link_of(tx, platform, teen_id, parent_id)
        parsed = parse_controls(controls, time_zone(teen.time_zone))
        stored = controls_dict(parsed)
        tx.wellbeing.set_controls(
            link.id, stored, _hasher.hash(parent_passcode) if parent_passcode else None
        )
        changed = sorted(k for k, v in stored.items() if controls_dict(link.controls).get(k) != v)
        _audit(
            tx,
            "pairing",
            link.id,
            "pairing.controls_changed",
            actor,
            changed=changed,
            controls=stored,
            passcode_changed=parent_passcode is not None,
        )
        tx.wellbeing.add_notice(
            platform, teen_id, "pairing.controls_changed", now, {"changed": changed}
        )
        updated = replace(
            link,
            controls=parsed,
            has_parent_passcode=link.has_parent_passcode or parent_passcode is not None,
        )
    return _link_dict(updated)


def unlink(store: WellbeingStore, platform: str, *, teen_id: str, by: str, actor: str) -> None:
    """Either side may end the link; the other side is told (a parent always learns that the
    teen unlinked, T1)."""
    now = store.clock.now()
    with store.transaction() as tx:
        link, _ = _link_of(tx, platform, teen_id)
        if by not in (link.teen_id, link.parent_id):
            raise NotPaired(f"{by} is not part of this Family Pairing link")
        tx.wellbeing.end_link(link.id, at=now, by=by)
        other = link.parent_id if by == link.teen_id else link.teen_id
        tx.wellbeing.add_notice(
            platform, other, "pairing.unlinked", now, {"by": by, "teen_id": teen_id}
        )
        _audit(tx, "pairing", link.id, "pairing.unlinked", actor, by=by)


def request_time(
    store: WellbeingStore, platform: str, *, teen_id: str, minutes: int, reason: str, actor: str
) -> str:
    """The teen asks for more time (during Time Away or past the limit); the parent answers."""
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, int)
        or not 1 <= minutes <= MAX_UNLOCK_MINUTES
    ):
        raise _bad("minutes", f"1 to {MAX_UNLOCK_MINUTES}")
    if not isinstance(reason, str) or len(reason) > 500:
        raise _bad("reason", "at most 500 characters")
    now = store.clock.now()
    request_id = str(uuid.uuid4())
    with store.transaction() as tx:
        link, _ = _link_of(tx, platform, teen_id)
        if tx.wellbeing.pending_requests(link.id) >= MAX_PENDING_REQUESTS:
            raise TooManyAttempts("wait for the parent to answer the requests already sent")
        tx.wellbeing.add_time_request(request_id, link.id, now, minutes, reason.strip())
        tx.wellbeing.add_notice(
            platform,
            link.parent_id,
            "pairing.time_requested",
            now,
            {
                "teen_id": teen_id,
                "request_id": request_id,
                "minutes": minutes,
                "reason": reason.strip(),
            },
        )
        _audit(
            tx,
            "pairing",
            link.id,
            "pairing.time_requested",
            actor,
            request=request_id,
            minutes=minutes,
        )
    return request_id


def answer_time_request(
    store: WellbeingStore,
    platform: str,
    *,
    parent_id: str,
    request_id: str,
    approve: bool,
    actor: str,
) -> dict[str, Any]:
    now = store.clock.now()
    with store.transaction() as tx:
        request = tx.wellbeing.time_request(request_id)
        if request is None:
            raise NotPaired(f"no time request {request_id!r}")
        link = next(
            (
                lk
                for lk in tx.wellbeing.active_links_of_parent(platform, parent_id)
                if lk.id == request.link_id
            ),
            None,
        )
        if link is None:
            raise NotPaired(f"{parent_id} is not the parent this request went to")
        if request.status != "pending":
            raise InvalidWellbeingRequest(
                f"the request was already answered ({request.status})", field="request_id"
            )
        status = "approved" if approve else "denied"
        tx.wellbeing.answer_time_request(request_id, status, now)
        if approve:
            teen = _profile(tx, platform, link.teen_id)
            local_date = now.astimezone(time_zone(teen.time_zone)).date().isoformat()
            # A yes gives the minutes against the daily limit and lifts Time Away as long.
            tx.wellbeing.add_grant(
                platform, link.teen_id, local_date, request.minutes, None, "parent", now
            )
            tx.wellbeing.add_grant(
                platform,
                link.teen_id,
                local_date,
                0,
                now + timedelta(minutes=request.minutes),
                "parent",
                now,
            )
        tx.wellbeing.add_notice(
            platform,
            link.teen_id,
            "pairing.time_answered",
            now,
            {"request_id": request_id, "status": status},
        )
        _audit(
            tx,
            "pairing",
            link.id,
            "pairing.time_answered",
            actor,
            request=request_id,
            status=status,
        )
    return {
        "request_id": request_id,
        "status": status,
        "minutes": request.minutes if approve else 0,
    }


def notices(store: WellbeingStore, platform: str, user_id: str) -> list[dict[str, Any]]:
    with store.transaction(write=False) as tx:
        _profile(tx, platform, user_id)
        return tx.wellbeing.notices(platform, user_id)
