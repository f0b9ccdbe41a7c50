"""The well-being tables: implements ``haven.wellbeing.interfaces.WellbeingRepository``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from haven.store.tables import (
    AttemptRow,
    GrantRow,
    NoticeRow,
    PairingCodeRow,
    PairingLinkRow,
    TimeRequestRow,
    UsageEventRow,
    WellbeingUserRow,
)
from haven.wellbeing.ages import AgeBand
from haven.wellbeing.errors import NotPaired
from haven.wellbeing.models import Link, UsageEvent, UsageKind, UserProfile
from haven.wellbeing.parsing import (
    controls_dict,
    parse_controls,
    parse_settings,
    settings_dict,
    time_zone,
)

_USERS = WellbeingUserRow.__table__
_EVENTS = UsageEventRow.__table__
_LINKS = PairingLinkRow.__table__
_ATTEMPTS = AttemptRow.__table__
_GRANTS = GrantRow.__table__
_NOTICES = NoticeRow.__table__
_CODES = PairingCodeRow.__table__
_REQUESTS = TimeRequestRow.__table__


def _profile(row: Any) -> UserProfile:
    return UserProfile(
        row.platform,
        row.user_id,
        AgeBand(row.age_band),
        row.time_zone,
        parse_settings(row.settings),
        row.passcode_hash is not None,
        row.updated_at,
    )


class SqlWellbeing:
    """Core statements only: the questions are asked on every feed item and every
    notification, so each read is one indexed SELECT."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._dialect = session.get_bind().dialect.name

    # --- users ---------------------------------------------------------------------------
    def user(self, platform: str, user_id: str) -> UserProfile | None:
        row = self._session.execute(
            select(_USERS).where(_USERS.c.platform == platform, _USERS.c.user_id == user_id)
        ).first()
        return _profile(row) if row else None

    def passcode_hash(self, platform: str, user_id: str) -> str | None:
        return self._session.execute(
            select(_USERS.c.passcode_hash).where(
                _USERS.c.platform == platform, _USERS.c.user_id == user_id
            )
        ).scalar()

    def put_user(
        self, profile: UserProfile, passcode_hash: str | None, *, keep_passcode: bool
    ) -> None:
        values: dict[str, Any] = {
            "age_band": profile.age_band.value,
            "time_zone": profile.time_zone,
            "settings": settings_dict(profile.settings),
            "updated_at": profile.updated_at,
        }
        if not keep_passcode:
            values["passcode_hash"] = passcode_hash
        changed = self._session.execute(
            update(_USERS)
            .where(_USERS.c.platform == profile.platform, _USERS.c.user_id == profile.user_id)
            .values(**values)
        )
        if changed.rowcount == 0:
            values.setdefault("passcode_hash", passcode_hash)
            self._session.execute(
                insert(_USERS).values(platform=profile.platform, user_id=profile.user_id, **values)
            )

    def known_users(self, platform: str, user_ids: set[str]) -> set[str]:
        if not user_ids:
            return set()
        rows = self._session.execute(
            select(_USERS.c.user_id).where(
                _USERS.c.platform == platform, _USERS.c.user_id.in_(sorted(user_ids))
            )
        )
        return {r[0] for r in rows}

    # --- usage events ----------------------------------------------------------------------
    def add_events(self, platform: str, events: list[UsageEvent]) -> int:
        """Insert the events whose id is new; the number inserted."""
        if not events:
            return 0
        rows = [
            {
                "platform": platform,
                "event_id": e.event_id,
                "user_id": e.user_id,
                "kind": e.kind.value,
                "at": e.at,
            }
            for e in events
        ]
        dialect_insert = postgresql.insert if self._dialect == "postgresql" else sqlite.insert
        before = self._count_events(platform, {e.event_id for e in events})
        self._session.execute(dialect_insert(_EVENTS).on_conflict_do_nothing(), rows)
        return self._count_events(platform, {e.event_id for e in events}) - before

    def _count_events(self, platform: str, ids: set[str]) -> int:
        return int(
            self._session.execute(
                select(func.count()).where(
                    _EVENTS.c.platform == platform, _EVENTS.c.event_id.in_(sorted(ids))
                )
            ).scalar_one()
        )

    def events(
        self, platform: str, user_id: str, *, since: datetime, until: datetime
    ) -> list[UsageEvent]:
        rows = self._session.execute(
            select(_EVENTS)
            .where(
                _EVENTS.c.platform == platform,
                _EVENTS.c.user_id == user_id,
                _EVENTS.c.at >= since,
                _EVENTS.c.at <= until,
            )
            .order_by(_EVENTS.c.at)
        )
        return [UsageEvent(r.event_id, r.user_id, UsageKind(r.kind), r.at) for r in rows]

    # --- guessing limits ---------------------------------------------------------------------
    def failed_attempts(self, platform: str, subject: str, *, since: datetime) -> int:
        return int(
            self._session.execute(
                select(func.count()).where(
                    _ATTEMPTS.c.platform == platform,
                    _ATTEMPTS.c.subject == subject,
                    _ATTEMPTS.c.at >= since,
                )
            ).scalar_one()
        )

    def add_failed_attempt(self, platform: str, subject: str, at: datetime) -> None:
        self._session.execute(insert(_ATTEMPTS).values(platform=platform, subject=subject, at=at))

    def forget_attempts(self, platform: str, subject: str) -> None:
        self._session.execute(
            delete(_ATTEMPTS).where(
                _ATTEMPTS.c.platform == platform, _ATTEMPTS.c.subject == subject
            )
        )

    # --- pairing codes and links ---------------------------------------------------------------
    def add_code(
        self,
        code_hash: str,
        platform: str,
        parent_id: str,
        created_at: datetime,
        expires_at: datetime,
    ) -> None:
        self._session.execute(
            insert(_CODES).values(
                code_hash=code_hash,
                platform=platform,
                parent_id=parent_id,
                created_at=created_at,
                expires_at=expires_at,
            )
        )

    def open_codes(self, platform: str, parent_id: str, now: datetime) -> int:
        return int(
            self._session.execute(
                select(func.count()).where(
                    _CODES.c.platform == platform,
                    _CODES.c.parent_id == parent_id,
                    _CODES.c.used_at.is_(None),
                    _CODES.c.expires_at > now,
                )
            ).scalar_one()
        )

    def pending_requests(self, link_id: str) -> int:
        return int(
            self._session.execute(
                select(func.count()).where(
                    _REQUESTS.c.link_id == link_id, _REQUESTS.c.status == "pending"
                )
            ).scalar_one()
        )

    def code(self, code_hash: str) -> Any:
        return self._session.execute(
            select(_CODES).where(_CODES.c.code_hash == code_hash).with_for_update()
        ).first()

    def use_code(self, code_hash: str, at: datetime) -> bool:
        """Mark the code used; False if someone used it first (single use under concurrency)."""
        changed = self._session.execute(
            update(_CODES)
            .where(_CODES.c.code_hash == code_hash, _CODES.c.used_at.is_(None))
            .values(used_at=at)
        )
        return changed.rowcount == 1

    def active_link_for_teen(
        self, platform: str, teen_id: str, *, teen_zone: str | None = None
    ) -> tuple[Link, str | None] | None:
        row = self._session.execute(
            select(_LINKS).where(
                _LINKS.c.platform == platform,
                _LINKS.c.teen_id == teen_id,
                _LINKS.c.ended_at.is_(None),
            )
        ).first()
        return (self._link(row, teen_zone), row.parent_passcode_hash) if row else None

    def active_links_of_parent(self, platform: str, parent_id: str) -> list[Link]:
        rows = self._session.execute(
            select(_LINKS).where(
                _LINKS.c.platform == platform,
                _LINKS.c.parent_id == parent_id,
                _LINKS.c.ended_at.is_(None),
            )
        )
        return [self._link(r) for r in rows]

    def _link(self, row: Any, teen_zone: str | None = None) -> Link:
        """The link; one-off Time Away times without an offset are in the teen's zone."""
        if teen_zone is None:
            teen = self.user(row.platform, row.teen_id)
            teen_zone = teen.time_zone if teen else "UTC"
        zone = time_zone(teen_zone)
        return Link(
            row.id,
            row.platform,
            row.parent_id,
            row.teen_id,
            row.created_at,
            parse_controls(row.controls, zone),
            row.parent_passcode_hash is not None,
            row.ended_at,
            row.ended_by,
        )

    def add_link(self, link: Link) -> None:
        """Add an active link; a teen already linked (a race with another code) is refused by
        the unique index on active links."""
        try:
            with self._session.begin_nested():
                self._insert_link(link)
        except IntegrityError:
            raise NotPaired("this teen is already paired; unlink first") from None

    def _insert_link(self, link: Link) -> None:
        self._session.execute(
            insert(_LINKS).values(
                id=link.id,
                platform=link.platform,
                parent_id=link.parent_id,
                teen_id=link.teen_id,
                created_at=link.created_at,
                controls=controls_dict(link.controls),
                parent_passcode_hash=None,
            )
        )

    def set_controls(
        self, link_id: str, controls: dict[str, Any], passcode_hash: str | None
    ) -> None:
        values: dict[str, Any] = {"controls": controls}
        if passcode_hash is not None:
            values["parent_passcode_hash"] = passcode_hash
        self._session.execute(update(_LINKS).where(_LINKS.c.id == link_id).values(**values))

    def end_link(self, link_id: str, *, at: datetime, by: str) -> None:
        self._session.execute(
            update(_LINKS).where(_LINKS.c.id == link_id).values(ended_at=at, ended_by=by)
        )

    # --- time requests and grants ---------------------------------------------------------------
    def add_time_request(
        self, request_id: str, link_id: str, at: datetime, minutes: int, reason: str
    ) -> None:
        self._session.execute(
            insert(_REQUESTS).values(
                id=request_id,
                link_id=link_id,
                requested_at=at,
                minutes=minutes,
                reason=reason,
                status="pending",
            )
        )

    def time_request(self, request_id: str) -> Any:
        return self._session.execute(
            select(_REQUESTS).where(_REQUESTS.c.id == request_id).with_for_update()
        ).first()

    def answer_time_request(self, request_id: str, status: str, at: datetime) -> None:
        self._session.execute(
            update(_REQUESTS)
            .where(_REQUESTS.c.id == request_id)
            .values(status=status, answered_at=at)
        )

    def add_grant(
        self,
        platform: str,
        user_id: str,
        local_date: str,
        minutes: int,
        until: datetime | None,
        by: str,
        at: datetime,
    ) -> None:
        self._session.execute(
            insert(_GRANTS).values(
                platform=platform,
                user_id=user_id,
                local_date=local_date,
                minutes=minutes,
                until=until,
                granted_by=by,
                at=at,
            )
        )

    def extra_minutes(self, platform: str, user_id: str, local_date: str) -> int:
        """Minutes added to the daily limit for that local date (passcode unlocks, a parent's
        yes)."""
        total = self._session.execute(
            select(func.coalesce(func.sum(_GRANTS.c.minutes), 0)).where(
                _GRANTS.c.platform == platform,
                _GRANTS.c.user_id == user_id,
                _GRANTS.c.local_date == local_date,
                _GRANTS.c.until.is_(None),
            )
        ).scalar_one()
        return int(total)

    def exempt_until(self, platform: str, user_id: str, now: datetime) -> datetime | None:
        """The end of the Time Away exemption running now, whatever day it was granted."""
        return self._session.execute(
            select(func.max(_GRANTS.c.until)).where(
                _GRANTS.c.platform == platform,
                _GRANTS.c.user_id == user_id,
                _GRANTS.c.until > now,
            )
        ).scalar()

    # --- notices --------------------------------------------------------------------------
    def add_notice(
        self, platform: str, user_id: str, kind: str, at: datetime, payload: dict[str, Any]
    ) -> None:
        self._session.execute(
            insert(_NOTICES).values(
                platform=platform, user_id=user_id, kind=kind, at=at, payload=payload
            )
        )

    def notices(self, platform: str, user_id: str, *, limit: int = 100) -> list[dict[str, Any]]:
        rows = self._session.execute(
            select(_NOTICES)
            .where(_NOTICES.c.platform == platform, _NOTICES.c.user_id == user_id)
            .order_by(_NOTICES.c.id.desc())
            .limit(limit)
        )
        return [{"kind": r.kind, "at": r.at.isoformat(), **r.payload} for r in rows]
