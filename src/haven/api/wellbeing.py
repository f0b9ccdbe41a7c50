"""``/v1/wellbeing``: the platform registers its users, sends usage events, and asks before it
acts (may V see C, may A message B, may B get a notification now, is the limit reached, is a
reminder due); Family Pairing; resource hubs. The platform's key vouches for its users' ids."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import Field, model_validator

from haven.api.deps import PlatformKey, RuntimeDep
from haven.api.schemas import Strict
from haven.content.viewing import availability, viewed_content
from haven.wellbeing import service
from haven.wellbeing.ages import AgeBand
from haven.wellbeing.defaults import defaults
from haven.wellbeing.errors import UnknownResource
from haven.wellbeing.hubs import all_hubs, hub
from haven.wellbeing.models import Answer, ContentLevel, ViewedContent
from haven.wellbeing.parsing import settings_dict

router = APIRouter(prefix="/v1/wellbeing", tags=["well-being"])
# The three questions are asked on every feed item, message and notification: they run on the
# event loop (two indexed reads) and answer with a ready JSONResponse (no encoder pass).
UserId = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^\S+$")]


class UserIn(Strict):
    age_band: AgeBand
    time_zone: str = Field(max_length=64, description="IANA time zone, e.g. Europe/Paris")
    settings: dict[str, Any] = Field(default_factory=dict)
    passcode: str | None = Field(default=None, max_length=12, description="4-12 digits")


class UsageEventIn(Strict):
    event_id: UserId
    user_id: UserId
    kind: str = Field(max_length=30)
    at: datetime = Field(description="with its UTC offset")


class UsageBatchIn(Strict):
    events: list[UsageEventIn] = Field(min_length=1, max_length=service.MAX_EVENTS)


class ContentFactsIn(Strict):
    level: ContentLevel = ContentLevel.GENERAL
    author_id: str | None = Field(default=None, max_length=200)
    text: str = Field(default="", max_length=10_000)
    photosensitive: bool = False


class MayViewIn(Strict):
    viewer_id: UserId
    content_id: str | None = Field(default=None, max_length=36, description="Haven's content id")
    content: ContentFactsIn | None = None

    @model_validator(mode="after")
    def one_content(self) -> MayViewIn:
        if (self.content_id is None) == (self.content is None):
            raise ValueError("give exactly one of content_id and content")
        return self


class MayMessageIn(Strict):
    sender_id: UserId
    recipient_id: UserId
    recipient_follows_sender: bool
    sender_follows_recipient: bool = False


class MayNotifyIn(Strict):
    user_id: UserId


class UnlockIn(Strict):
    passcode: str = Field(max_length=12)
    minutes: int = Field(default=30, ge=1, le=service.MAX_UNLOCK_MINUTES)


class PairingCodeIn(Strict):
    parent_id: UserId


class RedeemIn(Strict):
    teen_id: UserId
    code: str = Field(max_length=20)


class ControlsIn(Strict):
    parent_id: UserId
    controls: dict[str, Any]
    parent_passcode: str | None = Field(default=None, max_length=12)


class UnlinkIn(Strict):
    by: UserId


class TimeRequestIn(Strict):
    minutes: int = Field(ge=1, le=service.MAX_UNLOCK_MINUTES)
    reason: str = Field(default="", max_length=500)


class TimeAnswerIn(Strict):
    parent_id: UserId
    approve: bool


def _profile_out(user: Any) -> dict[str, Any]:
    table = defaults()
    return {
        "user_id": user.user_id,
        "age_band": user.age_band.value,
        "time_zone": user.time_zone,
        "settings": settings_dict(user.settings),
        "passcode_set": user.has_passcode,
        "updated_at": user.updated_at.isoformat(),
        "defaults_version": table.version,
        "defaults": {rule_id: rule.value(user.age_band) for rule_id, rule in table.rules.items()},
    }


@router.get("/defaults")
def get_defaults() -> dict[str, Any]:
    """The age-appropriate defaults table: every rule's value per band, with its sources."""
    table = defaults()
    return {"version": table.version, "rules": [r.as_dict() for r in table.rules.values()]}


@router.put("/users/{user_id}")
def put_user(user_id: str, body: UserIn, key: PlatformKey, runtime: RuntimeDep) -> dict[str, Any]:
    """Register or update a user (band, time zone, settings, passcode). ``unknown`` is the
    strictest band until the platform has assured the age."""
    user = service.put_user(
        runtime.store,
        platform=key.platform,
        user_id=user_id,
        age_band=body.age_band,
        time_zone_name=body.time_zone,
        settings=body.settings,
        passcode=body.passcode,
        actor=key.actor,
    )
    return _profile_out(user)


@router.get("/users/{user_id}")
def get_user(user_id: str, key: PlatformKey, runtime: RuntimeDep) -> dict[str, Any]:
    """The user's band, zone and own settings; the band's defaults; and ``effective``: what the
    platform applies now, with a parent's controls (visibility, comments, DMs, search...)."""
    out = _profile_out(service.profile(runtime.store, key.platform, user_id))
    out["effective"] = service.effective_settings(runtime.store, key.platform, user_id)
    return out


@router.post("/usage")
def post_usage(body: UsageBatchIn, key: PlatformKey, runtime: RuntimeDep) -> dict[str, int]:
    """Usage events in a batch (all or nothing); an event id already received is not counted
    again, so a batch can be resent."""
    return service.record_usage(runtime.store, key.platform, [e.model_dump() for e in body.events])


@router.get("/users/{user_id}/screen-time")
def get_screen_time(user_id: str, key: PlatformKey, runtime: RuntimeDep) -> dict[str, Any]:
    """Is the daily limit reached (and what unlocks more), is Time Away on, which reminders
    (break, sleep, wind-down, set-a-limit) should show now."""
    status = service.screen_time(runtime.store, key.platform, user_id)
    return {"limit": status.limit.as_dict(), "reminders": [r.as_dict() for r in status.reminders]}


@router.get("/users/{user_id}/dashboard")
def get_dashboard(
    user_id: str,
    key: PlatformKey,
    runtime: RuntimeDep,
    days: Annotated[int, Query(ge=1, le=31)] = 7,
) -> dict[str, Any]:
    """Daily time, opens, day and night, for the last ``days`` days; the weekly summary."""
    return service.dashboard(runtime.store, key.platform, user_id, days=days)


@router.post("/users/{user_id}/unlock")
def post_unlock(
    user_id: str, body: UnlockIn, key: PlatformKey, runtime: RuntimeDep
) -> dict[str, Any]:
    status = service.unlock(
        runtime.store, key.platform, user_id, passcode=body.passcode, minutes=body.minutes
    )
    return {"limit": status.limit.as_dict(), "reminders": [r.as_dict() for r in status.reminders]}


def _unavailable(
    runtime: RuntimeDep, platform: str, viewer_id: str, item: Any, state: str | None
) -> Answer | None:
    """Content nobody may see whatever their settings: removed, held for review (its author
    excepted), or not yet screened (adults only)."""
    if state is None:
        return None
    viewer = service.profile(runtime.store, platform, viewer_id)  # unknown viewers: 404
    if state == "removed":
        return Answer(False, "the content was removed", "removed")
    if state == "held":
        if item.author_id is not None and item.author_id == viewer_id:
            return None
        return Answer(False, "the content is held until a moderator reviews it", "held")
    if viewer.age_band.minor:
        return Answer(False, "the content has not been screened yet", "unscreened")
    return None


@router.post("/may-view")
async def post_may_view(body: MayViewIn, key: PlatformKey, runtime: RuntimeDep) -> JSONResponse:
    """May the viewer see this content here: Haven's content by id (its current decision sets
    level and photosensitivity), or the facts given inline. (Async: asked for every feed item,
    it answers from two indexed reads without a hop to the thread pool.)"""
    if body.content is not None:
        content = ViewedContent(**body.content.model_dump())
    else:
        with runtime.store.transaction(write=False) as tx:
            item = tx.content.get(str(body.content_id), platform=key.platform)
            decision = tx.decisions.latest(item.id)
        content = viewed_content(item, decision)
        blocked = _unavailable(runtime, key.platform, body.viewer_id, item, availability(decision))
        if blocked is not None:
            return JSONResponse(blocked.as_dict())
    return JSONResponse(
        service.may_view(runtime.store, key.platform, body.viewer_id, content).as_dict()
    )


@router.post("/may-message")
async def post_may_message(
    body: MayMessageIn, key: PlatformKey, runtime: RuntimeDep
) -> JSONResponse:
    answer = service.may_message(
        runtime.store,
        key.platform,
        body.sender_id,
        body.recipient_id,
        recipient_follows_sender=body.recipient_follows_sender,
        sender_follows_recipient=body.sender_follows_recipient,
    )
    return JSONResponse(answer.as_dict())


@router.post("/may-notify")
async def post_may_notify(body: MayNotifyIn, key: PlatformKey, runtime: RuntimeDep) -> JSONResponse:
    """May the user get a push notification now (quiet hours in the user's time zone)."""
    return JSONResponse(service.may_notify(runtime.store, key.platform, body.user_id).as_dict())


@router.post("/pairing/codes", status_code=201)
def post_pairing_code(body: PairingCodeIn, key: PlatformKey, runtime: RuntimeDep) -> dict[str, str]:
    """A one-time Family Pairing code for the parent to show the teen (10 minutes, one use)."""
    code, expires = service.issue_pairing_code(
        runtime.store, key.platform, body.parent_id, actor=key.actor
    )
    return {"code": code, "expires_at": expires.isoformat()}


@router.post("/pairing/redeem", status_code=201)
def post_redeem(body: RedeemIn, key: PlatformKey, runtime: RuntimeDep) -> dict[str, str]:
    """The teen enters the code: both have now consented and the link is made."""
    link = service.redeem_pairing_code(
        runtime.store, key.platform, body.teen_id, body.code, actor=key.actor
    )
    return {"link_id": link.id, "parent_id": link.parent_id, "teen_id": link.teen_id}


@router.get("/users/{user_id}/pairing")
def get_pairing(user_id: str, key: PlatformKey, runtime: RuntimeDep) -> dict[str, Any]:
    """A teen's parent and the controls set (the teen sees what is set), or a parent's teens."""
    return service.pairing_view(runtime.store, key.platform, user_id)


@router.put("/pairing/{teen_id}/controls")
def put_controls(
    teen_id: str, body: ControlsIn, key: PlatformKey, runtime: RuntimeDep
) -> dict[str, Any]:
    return service.set_controls(
        runtime.store,
        key.platform,
        parent_id=body.parent_id,
        teen_id=teen_id,
        controls=body.controls,
        parent_passcode=body.parent_passcode,
        actor=key.actor,
    )


@router.post("/pairing/{teen_id}/unlink", status_code=204)
def post_unlink(teen_id: str, body: UnlinkIn, key: PlatformKey, runtime: RuntimeDep) -> None:
    service.unlink(runtime.store, key.platform, teen_id=teen_id, by=body.by, actor=key.actor)


@router.post("/pairing/{teen_id}/time-requests", status_code=201)
def post_time_request(
    teen_id: str, body: TimeRequestIn, key: PlatformKey, runtime: RuntimeDep
) -> dict[str, str]:
    request_id = service.request_time(
        runtime.store,
        key.platform,
        teen_id=teen_id,
        minutes=body.minutes,
        reason=body.reason,
        actor=key.actor,
    )
    return {"request_id": request_id, "status": "pending"}


@router.post("/time-requests/{request_id}/answer")
def post_time_answer(
    request_id: str, body: TimeAnswerIn, key: PlatformKey, runtime: RuntimeDep
) -> dict[str, Any]:
    return service.answer_time_request(
        runtime.store,
        key.platform,
        parent_id=body.parent_id,
        request_id=request_id,
        approve=body.approve,
        actor=key.actor,
    )


@router.get("/users/{user_id}/notices")
def get_notices(user_id: str, key: PlatformKey, runtime: RuntimeDep) -> list[dict[str, Any]]:
    return service.notices(runtime.store, key.platform, user_id)


@router.get("/hubs")
def get_hubs(_: PlatformKey) -> list[dict[str, Any]]:
    """Resource hubs and collections: managed content with sources, languages, review dates."""
    return [h.as_dict() for h in all_hubs().values()]


@router.get("/hubs/{hub_id}")
def get_hub(hub_id: str, _: PlatformKey) -> dict[str, Any]:
    try:
        return hub(hub_id).as_dict()
    except KeyError:
        raise UnknownResource(f"no resource hub {hub_id!r}", hub_id=hub_id) from None
