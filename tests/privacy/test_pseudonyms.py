"""Personal identifiers enter the audit log only as keyed pseudonyms: the rules on their own,
then the store on both databases (the well-being service writes, the search finds, the chain
verifies, erasure's key deletion makes them unlinkable)."""

from __future__ import annotations

import pytest

from haven.audit.models import AuditEvent
from haven.audit.service import record, verify_audit_log
from haven.privacy.pseudonyms import (
    Person,
    is_pseudonym,
    new_secret,
    pseudonym,
    pseudonymise,
    search_forms,
    subject_forms,
)
from haven.store.transactions import SqlStore
from haven.wellbeing import service as wellbeing

SECRET = new_secret()


def _name(person: Person) -> str:
    return pseudonym(SECRET, person)


def _no_platform(subject_type: str, subject_id: str) -> str | None:
    return "clips" if subject_id == "link-1" else None


def test_a_pseudonym_is_keyed_and_stable() -> None:
    person = Person("clips", "user", "u-1")
    assert is_pseudonym(_name(person)) and _name(person) == _name(person)
    assert pseudonym(new_secret(), person) != _name(person)  # another key: unlinkable
    assert _name(Person("other", "user", "u-1")) != _name(person)  # another platform's user
    assert not is_pseudonym("u-1") and not is_pseudonym("pn_xyz")


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (
            AuditEvent(
                "wellbeing_user", "clips/u-1", "wellbeing.unlocked", "user:u-1", {"by": "x"}
            ),
            AuditEvent(
                "wellbeing_user",
                f"clips/{_name(Person('clips', 'user', 'u-1'))}",
                "wellbeing.unlocked",
                f"user:{_name(Person('clips', 'user', 'u-1'))}",
                {"by": "x"},  # "by" names a person only in pairing.unlinked
            ),
        ),
        (
            AuditEvent(
                "pairing", "link-1", "pairing.linked", "key:k", {"parent": "p", "teen": "t"}
            ),
            AuditEvent(
                "pairing",
                "link-1",
                "pairing.linked",
                "key:k",
                {
                    "parent": _name(Person("clips", "user", "p")),
                    "teen": _name(Person("clips", "user", "t")),
                },
            ),
        ),
        (
            AuditEvent("pairing", "link-1", "pairing.unlinked", "key:k", {"by": "age_band_change"}),
            None,  # a cause, not a person
        ),
        (AuditEvent("content", "c-1", "content.submitted", "key:k", {"parent": "p"}), None),
        (AuditEvent("report", "r1", "report.received", "moderator:ana", {}), None),
    ],
)
def test_which_parts_of_an_event_name_a_person(
    event: AuditEvent, expected: AuditEvent | None
) -> None:
    changed, used = pseudonymise(event, _name, _no_platform)
    assert changed == (expected or event)
    assert bool(used) == (expected is not None)
    # Pseudonymising twice changes nothing more.
    assert pseudonymise(changed, _name, _no_platform)[0] == changed


def test_a_user_actor_without_a_platform_is_still_pseudonymised() -> None:
    changed, used = pseudonymise(AuditEvent("report", "r1", "x.y", "user:9"), _name, _no_platform)
    assert changed.actor == f"user:{_name(Person('', 'user', '9'))}" and len(used) == 1


def test_malformed_events_pass_through_for_the_chain_to_refuse() -> None:
    odd = AuditEvent("pairing", "clips/u", "pairing.linked", "user:u", "not a dict")  # type: ignore[arg-type]
    assert pseudonymise(odd, _name, _no_platform) == (odd, set())


def test_search_forms_and_cut_ids() -> None:
    alias = _name(Person("clips", "user", "u-1"))
    assert search_forms("wellbeing_user", "clips/u-1", lambda p: alias) == [
        "clips/u-1",
        f"clips/{alias}",
    ]
    assert search_forms("wellbeing_user", "clips/u-1", lambda p: None) == ["clips/u-1"]
    assert search_forms("content", "clips/u-1", lambda p: alias) == ["clips/u-1"]
    long = "u" * 200
    assert subject_forms("clips", long) == [long, long[: 200 - len("clips/")]]
    assert subject_forms("clips", "u-1") == ["u-1"]


def _family(store: SqlStore) -> str:
    for user_id, band in (("mum-17", "18_plus"), ("kid-42", "13_15")):
        wellbeing.put_user(
            store,
            platform="clips",
            user_id=user_id,
            age_band=band,
            time_zone_name="UTC",
            settings={},
            actor="key:k",
        )
    code, _ = wellbeing.issue_pairing_code(store, "clips", "mum-17", actor="key:k")
    link = wellbeing.redeem_pairing_code(store, "clips", "kid-42", code, actor="key:k").id
    wellbeing.unlink(store, "clips", teen_id="kid-42", by="kid-42", actor="key:k")
    return link


def test_the_well_being_service_writes_no_user_id_into_the_log(store: SqlStore) -> None:
    link = _family(store)
    with store.transaction(write=False) as tx:
        entries = list(tx.audit.entries())
        # A search by the user's id finds their pseudonymised entries while the key exists.
        found = list(tx.audit.entries(subject_type="wellbeing_user", subject_id="clips/kid-42"))
        by_link = [e.kind for e in tx.audit.entries(subject_type="pairing", subject_id=link)]
        alias = tx.privacy.pseudonym(Person("clips", "user", "kid-42"), create=False)
        carrying = tx.privacy.audit_carrying(alias or "")
    text = " ".join(f"{e.subject_id} {e.actor} {e.payload_json}" for e in entries)
    assert "kid-42" not in text and "mum-17" not in text
    assert [e.kind for e in found] == ["wellbeing.user_saved"]
    assert found[0].subject_id == f"clips/{alias}"
    assert by_link == ["pairing.linked", "pairing.unlinked"]
    assert {e.kind for e in carrying} == {
        "wellbeing.user_saved",
        "pairing.linked",
        "pairing.unlinked",
    }
    assert verify_audit_log(store).intact


def test_once_the_key_is_gone_the_entries_stay_but_cannot_be_found(store: SqlStore) -> None:
    _family(store)
    record(store, AuditEvent("report", "r1", "report.received", "key:k", {}))
    with store.transaction() as tx:
        count = len(list(tx.audit.entries()))
        assert tx.privacy.forget(Person("clips", "user", "kid-42")) == 1
        assert tx.privacy.forget(Person("clips", "user", "kid-42")) == 0
    with store.transaction(write=False) as tx:
        assert (
            list(tx.audit.entries(subject_type="wellbeing_user", subject_id="clips/kid-42")) == []
        )
        assert len(list(tx.audit.entries())) == count
        # The mother's entries are still hers to find.
        assert list(tx.audit.entries(subject_type="wellbeing_user", subject_id="clips/mum-17"))
    assert verify_audit_log(store).intact
    # The same id registered again is a new person to the log: a new key, a new pseudonym.
    before = _family_member_alias(store)
    assert before is None
    wellbeing.put_user(
        store,
        platform="clips",
        user_id="kid-42",
        age_band="13_15",
        time_zone_name="UTC",
        settings={},
        actor="key:k",
    )
    assert _family_member_alias(store) is not None


def _family_member_alias(store: SqlStore) -> str | None:
    with store.transaction(write=False) as tx:
        return tx.privacy.pseudonym(Person("clips", "user", "kid-42"), create=False)
