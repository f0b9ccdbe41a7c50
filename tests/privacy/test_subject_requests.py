"""Export and erasure end to end, through the real API, on SQLite and PostgreSQL: every piece
of the person is in the export; after erasure nothing in any table names them (but the
content under legal hold, kept and reported), their media are gone, the audit log still
verifies and keeps their entries under a pseudonym nobody can link to them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
from sqlalchemy import insert, update

from haven.audit.chain import chain
from haven.audit.models import AuditEvent
from haven.audit.service import verify_audit_log
from haven.privacy.export import SCHEMA_FILE
from haven.privacy.models import ERASED_TEXT
from haven.privacy.pseudonyms import is_pseudonym
from haven.store.tables import AuditEventRow, AuditHeadRow
from haven.transparency.periods import parse_period
from haven.transparency.service import transparency_report

from .conftest import (
    EMAIL,
    NAME,
    PARENT,
    PERSON,
    PLATFORM,
    TEXTS,
    Scenario,
    dump,
    media_names,
    mentions,
    personal_needles,
)

EXPORT = f"/v1/privacy/subjects/{PERSON}/export"
ERASURE = f"/v1/privacy/subjects/{PERSON}/erasure"


def _export(s: Scenario, who: str = "cem") -> dict[str, Any]:
    answer = s.client.get(EXPORT, params={"platform": PLATFORM}, headers=s.as_staff(who))
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def _erase(s: Scenario, *, dry_run: bool = False, who: str = "ada") -> dict[str, Any]:
    answer = s.client.post(
        ERASURE, json={"platform": PLATFORM, "dry_run": dry_run}, headers=s.as_staff(who)
    )
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def _check_export(s: Scenario, document: dict[str, Any]) -> None:
    jsonschema.validate(document, json.loads(SCHEMA_FILE.read_text("utf-8")))
    ids = s.ids
    content = {c["id"]: c for c in document["content"]}
    assert set(content) == {ids["comment"], ids["video"], ids["picture"]}
    comment, video, picture = (
        content[ids["comment"]],
        content[ids["video"]],
        content[ids["picture"]],
    )
    assert comment["text"] == TEXTS["comment"] and video["text"] == TEXTS["caption"]
    assert [d["outcome"] for d in comment["decisions"]][-1] == "remove"
    assert comment["statements_of_reasons"][-1]["facts_and_circumstances"] == "Insults other users."
    assert comment["case"]["status"] == "closed" or comment["case"]["status"] == "open"
    assert [a["reason"] for a in comment["appeals"]] == [TEXTS["appeal"]]
    assert comment["notices_received"][0]["category"] == "harassment_bullying"
    assert comment["evidence"] and video["evidence"]
    assert video["ad_impressions"][0]["count"] == 1
    assert picture["legal_hold"] is True and picture["evidence"] == []
    assert all("evidence" not in t for d in picture["decisions"] for t in d["treatments"])
    assert {w["what"].split(" ")[0] for w in document["withheld"]} == {"who", "the"}
    [filed] = document["reports_filed"]
    assert filed["id"] == ids["report"] and filed["explanation"] == TEXTS["report"]
    assert (filed["notifier_email"], filed["notifier_name"]) == (EMAIL, NAME)
    assert [a["reason"] for a in document["appeals_filed"]] == [TEXTS["notifier_appeal"]]
    wellbeing = document["wellbeing"]
    assert wellbeing["profile"]["age_band"] == "13_15"
    assert len(wellbeing["usage_events"]) == 3 and wellbeing["grants"]
    assert {n["kind"] for n in wellbeing["notices"]} >= {"pairing.time_answered"}
    assert len(wellbeing["guess_attempts"]) == 1
    [link] = document["pairing"]["links"]
    assert (link["role"], link["parent_id"], link["id"]) == ("teen", PARENT, ids["link"])
    assert link["time_requests"][0]["reason"] == TEXTS["time_request"]
    assert document["suspensions"][0]["subject_id"] == PERSON
    media = {m["content_id"]: m for m in document["media"]}
    assert set(media) == {ids["video"], ids["picture"]}
    for item in media.values():
        assert item["present"] and item["size_bytes"] > 0 and len(item["sha256"]) == 64
    alias = document["audit"]["pseudonyms"]["user"]
    kinds = {e["kind"] for e in document["audit"]["entries"]}
    assert {
        "content.submitted",
        "decision.made",
        "case.report_received",
        "case.appeal_received",
        "content.legal_hold",
        "wellbeing.user_saved",
        "wellbeing.unlocked",
        "pairing.linked",
        "pairing.time_requested",
    } <= kinds
    saved = [e for e in document["audit"]["entries"] if e["kind"] == "wellbeing.user_saved"]
    assert saved[0]["subject_id"] == f"{PLATFORM}/{alias}"
    text = json.dumps(document)
    # Other people's identities and every secret stay out (Art. 15(4)).
    assert "ana@example.org" not in text and "Ana Lima" not in text and "$argon2" not in text


def test_export_then_erase_end_to_end(scenario: Scenario) -> None:
    s, ids = scenario, scenario.ids
    before_audit = dump(s.runtime)["audit_events"]
    # The audit log never held the person's id, email or words, even before erasure.
    assert mentions({"audit_events": before_audit}, personal_needles()) == []
    document = _export(s)
    _check_export(s, document)
    alias = document["audit"]["pseudonyms"]["user"]

    # The record of the moderation stays: the DSA transparency report is the same after.
    period = parse_period(str(s.clock.now().year))
    report_before = transparency_report(s.runtime.store, platform=PLATFORM, period=period)

    # A dry run reports what the erasure will do and changes nothing.
    untouched = dump(s.runtime)
    files = media_names(s.runtime)
    preview = _erase(s, dry_run=True)
    assert dump(s.runtime) == untouched and media_names(s.runtime) == files
    assert preview["dry_run"] is True and preview["pseudonym"] == alias

    result = _erase(s)
    assert result["dry_run"] is False and is_pseudonym(result["pseudonym"])
    assert result["erased"] == preview["erased"]
    assert result["anonymised"] == preview["anonymised"]
    assert result["kept"] == preview["kept"]
    erased = result["erased"]
    assert erased["content"] == 2 and erased["media_files"] == 1
    assert erased["decisions"] >= 2 and erased["evidence"] == 2
    assert erased["appeals_on_content"] == 1 and erased["notices_on_content"] == 1
    assert erased["wellbeing_profiles"] == 1 and erased["usage_events"] == 3
    assert erased["pairing_links"] == 1 and erased["time_requests"] == 1
    assert erased["guess_attempts"] == 1 and erased["partner_notices"] >= 1
    assert erased["pseudonym_keys"] == 1
    assert result["anonymised"] == {"reports_filed": 1, "appeals_filed": 1, "suspensions": 1}
    kept = {(k["kind"], k.get("id")): k for k in result["kept"]}
    held = kept[("content", ids["picture"])]
    assert "Art. 17(3)(b)" in held["basis"] and "legal hold" in held["why"]
    # The entries the export listed, and the export's own entry.
    assert kept[("audit_entries", None)]["count"] == len(document["audit"]["entries"]) + 1
    assert "pseudonym" in kept[("audit_entries", None)]["why"]
    assert "Art. 5(2)" in kept[("audit_entries", None)]["basis"]

    # Nothing names the person any more, except the rows of the content under legal hold.
    after = dump(s.runtime)
    left = mentions(after, personal_needles())
    assert left, "the held picture's rows keep its author"
    assert all(ids["picture"] in row for _, row in left), left
    report_after = transparency_report(s.runtime.store, platform=PLATFORM, period=period)
    assert report_after["sections"] == report_before["sections"]
    assert report_after["sections"]["notices"]["total"] >= 1
    # Their key is gone (the others' stay), and with it the index of their entries.
    assert len(after["privacy_pseudonym_keys"]) == 2  # the parent's and the other author's
    assert not [row for row in after["privacy_audit_refs"] if alias in row]
    # Their media are gone; the held picture stays.
    names = media_names(s.runtime)
    assert not any(n.startswith(ids["video"]) for n in names)
    assert any(n.startswith(ids["picture"]) for n in names)
    # The audit log verifies, and every entry is still there, under the same pseudonym.
    report = verify_audit_log(s.runtime.store)
    assert report.intact and report.entries == len(before_audit) + 2  # the export, the erasure
    still = [row for row in after["audit_events"] if alias in row]
    assert len(still) >= 3 and any('"privacy.erased"' in row for row in still)
    # Others keep what is theirs: the parent's profile; the other author's content, whose
    # notice from the person is anonymised but still there.
    with s.runtime.store.transaction(write=False) as tx:
        assert tx.wellbeing.user(PLATFORM, PARENT) is not None
        # The parent learns the link ended, not who was erased.
        assert tx.wellbeing.notices(PLATFORM, PARENT)[0] == {
            "kind": "pairing.unlinked",
            "at": s.clock.now().isoformat(),
            "by": "erasure",
        }
        report_left = tx.reports.get(ids["report"])
        assert tx.content.get(ids["other"]).text == "an ordinary comment"
    assert report_left is not None and report_left.notice.explanation == ERASED_TEXT
    assert report_left.notice.notifier_email is None and report_left.notice.reporter_id is None

    # The export now holds only what the legal hold keeps.
    remaining = _export(s)
    assert [c["id"] for c in remaining["content"]] == [ids["picture"]]
    assert remaining["wellbeing"]["profile"] is None and remaining["reports_filed"] == []

    # Erasing again is harmless: nothing more to erase; the hold is reported again.
    again = _erase(s)
    assert again["erased"]["content"] == 0 and again["anonymised"]["reports_filed"] == 0
    assert {k["kind"] for k in again["kept"]} >= {"content"}
    final, log = dump(s.runtime), {"audit_events", "audit_chain_head"}
    assert {k: v for k, v in final.items() if k not in log} == {
        k: v for k, v in after.items() if k not in log
    }
    assert verify_audit_log(s.runtime.store).intact


def test_a_person_without_a_hold_is_unknown_once_erased(commenter: Scenario) -> None:
    s = commenter
    result = _erase(s)
    assert result["erased"]["content"] == 1 and result["erased"]["wellbeing_profiles"] == 1
    assert [k["kind"] for k in result["kept"]] == ["audit_entries"]
    assert mentions(dump(s.runtime), personal_needles()) == []
    after = dump(s.runtime)
    for answer in (
        s.client.post(ERASURE, json={"platform": PLATFORM}, headers=s.as_staff("ada")),
        s.client.get(EXPORT, params={"platform": PLATFORM}, headers=s.as_staff("cem")),
    ):
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "unknown_subject"
    assert dump(s.runtime) == after
    assert verify_audit_log(s.runtime.store).intact


def test_a_notifier_known_by_email_is_exported_and_erased(scenario: Scenario) -> None:
    s = scenario
    headers = s.as_staff("cem")
    body = {"platform": PLATFORM, "email": EMAIL.upper()}  # any case finds them
    document = s.client.post("/v1/privacy/notifiers/export", json=body, headers=headers).json()
    assert [r["id"] for r in document["reports_filed"]] == [s.ids["report"]]
    assert [a["reason"] for a in document["appeals_filed"]] == [TEXTS["notifier_appeal"]]
    assert document["content"] == [] and document["wellbeing"]["profile"] is None
    assert any(e["kind"] == "case.report_received" for e in document["audit"]["entries"])
    erased = s.client.post(
        "/v1/privacy/notifiers/erasure", json=body, headers=s.as_staff("ada")
    ).json()
    assert erased["anonymised"]["reports_filed"] == 1
    assert erased["anonymised"]["appeals_filed"] == 1
    after = dump(s.runtime)
    assert mentions(after, [EMAIL, NAME, TEXTS["report"], TEXTS["notifier_appeal"]]) == []
    # The user-id side of the person is untouched by an erasure by email.
    assert mentions(after, [TEXTS["comment"]])
    again = s.client.post("/v1/privacy/notifiers/erasure", json=body, headers=s.as_staff("ada"))
    assert again.status_code == 404 and dump(s.runtime) == after


def _refused(s: Scenario, method: str, url: str, headers: dict[str, str], **kwargs: Any) -> Any:
    before, files = dump(s.runtime), media_names(s.runtime)
    answer = s.client.request(method, url, headers=headers, **kwargs)
    assert dump(s.runtime) == before and media_names(s.runtime) == files, (url, answer.text)
    return answer


def test_bad_requests_change_nothing(commenter: Scenario, tmp_path: Path) -> None:
    s = commenter
    admin, moderator = s.as_staff("ada"), s.as_staff("alice")
    erase_body = {"json": {"platform": PLATFORM}}
    cases: list[tuple[str, str, dict[str, str], dict[str, Any], int, str]] = [
        # Unknown person: 404, for export and erasure.
        (
            "POST",
            "/v1/privacy/subjects/nobody-here/erasure",
            admin,
            erase_body,
            404,
            "unknown_subject",
        ),
        (
            "GET",
            "/v1/privacy/subjects/nobody-here/export",
            admin,
            {"params": {"platform": PLATFORM}},
            404,
            "unknown_subject",
        ),
        # The same id on another platform is another person.
        ("POST", ERASURE, admin, {"json": {"platform": "other.example"}}, 404, "unknown_subject"),
        # Ids Haven could not have stored.
        (
            "POST",
            "/v1/privacy/subjects/bad%01id/erasure",
            admin,
            erase_body,
            422,
            "invalid_subject",
        ),
        (
            "POST",
            f"/v1/privacy/subjects/{'x' * 201}/erasure",
            admin,
            erase_body,
            422,
            "invalid_subject",
        ),
        ("POST", ERASURE, admin, {"json": {"platform": "BAD!"}}, 422, "invalid_request"),
        ("POST", ERASURE, admin, {"json": {}}, 422, "invalid_request"),
        (
            "POST",
            ERASURE,
            admin,
            {"json": {"platform": PLATFORM, "everything": True}},
            422,
            "invalid_request",
        ),
        ("GET", EXPORT, admin, {}, 422, "invalid_request"),
        (
            "POST",
            "/v1/privacy/notifiers/erasure",
            admin,
            {"json": {"platform": PLATFORM, "email": "not-an-email"}},
            422,
            "invalid_subject",
        ),
        # Wrong role, even with bad input; no staff token; a platform's key.
        ("POST", ERASURE, moderator, erase_body, 403, "not_permitted"),
        ("POST", ERASURE, moderator, {"json": {"platform": "BAD!"}}, 403, "not_permitted"),
        ("GET", EXPORT, moderator, {"params": {"platform": PLATFORM}}, 403, "not_permitted"),
        ("POST", ERASURE, {}, erase_body, 401, "not_authenticated"),
        ("POST", ERASURE, s.platform, erase_body, 401, "not_authenticated"),
    ]
    for method, url, headers, kwargs, status, code in cases:
        answer = _refused(s, method, url, headers, **kwargs)
        assert answer.status_code == status, (url, kwargs, answer.text)
        assert answer.json()["error"]["code"] == code, (url, answer.text)
    # And the person is still all there.
    assert _export(s)["content"][0]["text"] == TEXTS["comment"]


def _append_as_before_pseudonyms(s: Scenario, event: AuditEvent) -> None:
    """What the audit log's append did before pseudonyms: chain the event as it is."""
    with s.runtime.store.transaction() as tx:
        entry = chain(event, head=tx.audit.head(), at=s.clock.now())
        tx.session.execute(
            insert(AuditEventRow.__table__).values(
                seq=entry.seq,
                at=entry.at,
                subject_type=entry.subject_type,
                subject_id=entry.subject_id,
                kind=entry.kind,
                actor=entry.actor,
                payload=entry.payload_json,
                prev_hash=entry.prev_hash,
                hash=entry.hash,
            )
        )
        tx.session.execute(update(AuditHeadRow.__table__).values(seq=entry.seq, hash=entry.hash))


def test_entries_from_before_pseudonyms_are_found_and_reported_not_rewritten(
    commenter: Scenario,
) -> None:
    s = commenter
    legacy = AuditEvent(
        "wellbeing_user", f"{PLATFORM}/{PERSON}", "wellbeing.unlocked", f"user:{PERSON}", {}
    )
    _append_as_before_pseudonyms(s, legacy)
    assert verify_audit_log(s.runtime.store).intact
    entries = _export(s)["audit"]["entries"]
    assert f"{PLATFORM}/{PERSON}" in [e["subject_id"] for e in entries]
    result = _erase(s)
    kept = {k["kind"]: k for k in result["kept"]}
    assert kept["audit_entries_before_pseudonyms"]["count"] == 1
    assert "cannot be" in kept["audit_entries_before_pseudonyms"]["why"]
    # That one entry still names them (the chain forbids rewriting it), and nothing else does.
    left = mentions(dump(s.runtime), personal_needles())
    assert [table for table, _ in left] == ["audit_events"]
    assert verify_audit_log(s.runtime.store).intact
