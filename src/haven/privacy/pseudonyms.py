"""Keyed pseudonyms: how a person is named in the audit log.

The audit log is hash-chained and append-only, so an entry can never be rewritten: a person's
identifier must not enter it in the first place. Every event passes through
:func:`pseudonymise` on its way into the log (``haven.store.audit_log``), which replaces each
platform user id it carries by ``pn_`` + HMAC-SHA256 under a random key kept for that person
alone. While the key exists, the person's entries can be found (an export lists them); erasure
deletes the key, and the entries that stay can no longer be linked to anyone.

Which parts of an event name a person is data, below, not a convention each service follows:
the well-being and Family Pairing events are the only ones that carry platform user ids.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace

from haven.audit.models import AuditEvent

PREFIX = "pn_"
ACTOR_PREFIX = "user:"
# Subject types whose subject id is "<platform>/<user id>" when it contains a slash (otherwise
# it is a Family Pairing link's id).
PERSON_SUBJECTS = frozenset({"wellbeing_user", "pairing"})
# Payload fields that hold a platform user id, by event kind.
PERSON_FIELDS: dict[str, tuple[str, ...]] = {
    "pairing.code_issued": ("parent",),
    "pairing.linked": ("parent", "teen"),
    "pairing.unlinked": ("by",),
}
# Values of those fields that name a cause, not a person.
NOT_PEOPLE = frozenset({"age_band_change"})
MAX_SUBJECT_ID = 200  # what the audit log keeps (the services cut longer ones)


@dataclass(frozen=True)
class Person:
    """A person as the pseudonym keys know them: ``kind`` is "user" or "email"; ``platform``
    is empty when the event did not say which platform (no real event does)."""

    platform: str
    kind: str
    identifier: str


def new_secret() -> str:
    return secrets.token_hex(32)


def pseudonym(secret: str, person: Person) -> str:
    message = f"{person.platform}\x1f{person.kind}\x1f{person.identifier}".encode()
    digest = hmac.new(bytes.fromhex(secret), message, hashlib.sha256).hexdigest()
    return PREFIX + digest[:32]


def is_pseudonym(value: str) -> bool:
    return (
        value.startswith(PREFIX)
        and len(value) == len(PREFIX) + 32
        and all(c in "0123456789abcdef" for c in value[len(PREFIX) :])
    )


def subject_forms(platform: str, user_id: str) -> list[str]:
    """The user ids under which the person may appear in "<platform>/<user id>" subject ids:
    the whole id, and the id as cut to fit the audit log's 200 characters."""
    whole = f"{platform}/{user_id}"
    cut = whole[:MAX_SUBJECT_ID]
    forms = [user_id]
    if cut != whole and cut.partition("/")[2]:
        forms.append(cut.partition("/")[2])
    return forms


def _split_subject(event: AuditEvent) -> tuple[str, str] | None:
    if event.subject_type not in PERSON_SUBJECTS or "/" not in event.subject_id:
        return None
    platform, _, user_id = event.subject_id.partition("/")
    return (platform, user_id) if user_id and not is_pseudonym(user_id) else None


def pseudonymise(
    event: AuditEvent,
    name: Callable[[Person], str],
    platform_of: Callable[[str, str], str | None],
) -> tuple[AuditEvent, set[str]]:
    """The event with every person it names replaced by ``name(person)``, and the pseudonyms
    used. ``platform_of(subject_type, subject_id)`` says which platform an event whose subject
    id does not name one belongs to (a Family Pairing link). Events that name nobody are
    returned as they are, without asking either callback; so are malformed ones, which the
    chain refuses with the reason (``haven.audit.chain.check_event``)."""
    if not (
        isinstance(event.subject_type, str)
        and isinstance(event.subject_id, str)
        and isinstance(event.actor, str)
        and isinstance(event.payload, dict)
    ):
        return event, set()
    fields = [
        f
        for f in PERSON_FIELDS.get(event.kind, ())
        if isinstance(event.payload.get(f), str)
        and event.payload[f] not in NOT_PEOPLE
        and not is_pseudonym(event.payload[f])
    ]
    in_subject = _split_subject(event)
    actor_id = event.actor[len(ACTOR_PREFIX) :] if event.actor.startswith(ACTOR_PREFIX) else None
    if actor_id is not None and (not actor_id or is_pseudonym(actor_id)):
        actor_id = None
    if not fields and in_subject is None and actor_id is None:
        return event, set()
    platform = in_subject[0] if in_subject else platform_of(event.subject_type, event.subject_id)
    platform = platform or ""
    used: set[str] = set()

    def named(user_id: str) -> str:
        alias = name(Person(platform, "user", user_id))
        used.add(alias)
        return alias

    subject_id = f"{platform}/{named(in_subject[1])}" if in_subject else event.subject_id
    actor = ACTOR_PREFIX + named(actor_id) if actor_id is not None else event.actor
    payload = dict(event.payload)
    for f in fields:
        payload[f] = named(payload[f])
    return replace(event, subject_id=subject_id, actor=actor, payload=payload), used


def search_forms(
    subject_type: str, subject_id: str, lookup: Callable[[Person], str | None]
) -> list[str]:
    """The subject ids an audit search for ``subject_id`` should match: as given (entries
    written before pseudonyms, and every other subject), and pseudonymised when the id names
    a person whose key exists."""
    forms = [subject_id]
    split = _split_subject(AuditEvent(subject_type, subject_id, "search", "search"))
    if split is not None:
        alias = lookup(Person(split[0], "user", split[1]))
        if alias is not None:
            forms.append(f"{split[0]}/{alias}")
    return forms


def names_person(payload_json: str, subject_id: str, actor: str, identifiers: set[str]) -> bool:
    """Whether an entry carries one of the identifiers as written (entries from before
    pseudonyms): in its subject id, its actor, or a top-level payload value."""
    if subject_id.partition("/")[2] in identifiers:
        return True
    if actor.startswith(ACTOR_PREFIX) and actor[len(ACTOR_PREFIX) :] in identifiers:
        return True
    payload = json.loads(payload_json)
    return isinstance(payload, dict) and any(
        isinstance(v, str) and v in identifiers for v in payload.values()
    )
