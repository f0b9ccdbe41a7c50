"""``/v1/privacy``: data-subject requests (GDPR Art. 15, 17, 20) for administrators and
compliance: export everything Haven holds about a person, or erase it. A person is named by the
platform's user id, or, as a notifier, by their email (in the body, never in a URL: URLs end up
in logs and browser histories)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import Field

from haven.access.roles import Role
from haven.api.deps import RuntimeDep, StaffSession, staff_token
from haven.api.schemas import Strict
from haven.cases.errors import NotPermitted
from haven.privacy.models import check_subject
from haven.privacy.service import erase_subject, export_subject

router = APIRouter(prefix="/v1/privacy", tags=["privacy"])
PLATFORM = r"^[a-z0-9][a-z0-9_.-]{0,99}$"
PlatformQuery = Annotated[str, Query(pattern=PLATFORM, description="the user's platform")]


def privacy_officer(staff: Annotated[StaffSession, Depends(staff_token)]) -> StaffSession:
    """Administrators and compliance only; checked before the request is read, so a wrong
    role learns nothing from the validation of its input."""
    if staff.reviewer.role not in (Role.ADMIN, Role.COMPLIANCE):
        raise NotPermitted("only administrators and compliance handle data-subject requests")
    return staff


Officer = Annotated[StaffSession, Depends(privacy_officer)]


class ErasureIn(Strict):
    platform: str = Field(pattern=PLATFORM)
    dry_run: bool = Field(default=False, description="report what would be erased; change nothing")


class NotifierIn(Strict):
    platform: str = Field(pattern=PLATFORM)
    email: str = Field(min_length=3, max_length=320)


class NotifierErasureIn(NotifierIn):
    dry_run: bool = False


@router.get("/subjects/{user_id}/export")
def export_user(
    user_id: str, platform: PlatformQuery, officer: Officer, runtime: RuntimeDep
) -> dict[str, Any]:
    """Everything Haven holds about the user, as one JSON document (schema
    ``haven.privacy.export/1``): their content with its decisions, statements of reasons and
    evidence, the notices and appeals they filed, their well-being settings and usage, Family
    Pairing, the audit entries about or by them, and their stored media (SHA-256 and size).
    The export itself is audited. 404 if Haven holds nothing about them."""
    return export_subject(
        runtime.store,
        check_subject(platform, user_id=user_id),
        actor=officer.account.actor,
        media_root=runtime.settings.media_root,
    )


@router.post("/subjects/{user_id}/erasure")
def erase_user(
    user_id: str, body: ErasureIn, officer: Officer, runtime: RuntimeDep
) -> dict[str, Any]:
    """Erase the user, all or nothing: their content and everything about it, their well-being
    records and pairing, their pseudonym key; notices and appeals they filed about others'
    content are anonymised. Kept, and listed with the legal basis: content under a legal hold,
    and the audit entries, which name them only by a pseudonym nobody can link any more.
    Their stored media are deleted once the erasure has committed. 404 if Haven holds nothing
    about them (never known, or already erased)."""
    return erase_subject(
        runtime.store,
        check_subject(body.platform, user_id=user_id),
        actor=officer.account.actor,
        media_root=runtime.settings.media_root,
        dry_run=body.dry_run,
    ).as_dict()


@router.post("/notifiers/export")
def export_notifier(body: NotifierIn, officer: Officer, runtime: RuntimeDep) -> dict[str, Any]:
    """Everything Haven holds about a notifier known by their email: the notices they filed,
    their appeals, the audit entries about them."""
    return export_subject(
        runtime.store,
        check_subject(body.platform, email=body.email),
        actor=officer.account.actor,
        media_root=runtime.settings.media_root,
    )


@router.post("/notifiers/erasure")
def erase_notifier(
    body: NotifierErasureIn, officer: Officer, runtime: RuntimeDep
) -> dict[str, Any]:
    """Anonymise the notices and appeals of a notifier known by their email (those about
    content under a legal hold are kept, and listed)."""
    return erase_subject(
        runtime.store,
        check_subject(body.platform, email=body.email),
        actor=officer.account.actor,
        media_root=runtime.settings.media_root,
        dry_run=body.dry_run,
    ).as_dict()
