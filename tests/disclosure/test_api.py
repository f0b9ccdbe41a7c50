"""The programme over HTTP, on both databases: security.txt, the researcher's JSON API and
HTML form with the tracking token, staff triage with roles, service-level clocks as time
moves, rewards and the public acknowledgements; every bad request answered with a clear error
and nothing changed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from haven.access.ratelimit import RateLimit
from haven.api.app import create_app
from haven.clock import FixedClock
from haven.runtime import Runtime

from .conftest import CVSS31_CRITICAL, CVSS31_MEDIUM, CVSS40_HIGH, REPORT, audit_size, log_in

BODY = {
    **{k: v for k, v in REPORT.items() if k != "acknowledge"},
    "acknowledge": True,
    "cvss31": CVSS31_MEDIUM,
}
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def _submit(client: TestClient, **changes: Any) -> dict[str, Any]:
    answer = client.post("/v1/security/reports", json={**BODY, **changes})
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def _track(client: TestClient, report_id: str, token: str) -> Any:
    return client.get(f"/v1/security/reports/{report_id}", headers={"X-Report-Token": token})


def test_security_txt_points_researchers_here(
    public: TestClient, disclosure_runtime: Runtime
) -> None:
    answer = public.get("/.well-known/security.txt")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/plain; charset=utf-8"
    fields = [line.split(": ", 1) for line in answer.text.splitlines()]
    base = "https://haven.clips.example"
    assert fields == [
        ["Contact", "mailto:security@clips.example"],
        ["Contact", f"{base}/security/report"],
        ["Expires", "2027-03-28T00:00:00Z"],  # the clock says 2026-03-29: under a year ahead
        ["Acknowledgments", f"{base}/security/acknowledgements"],
        ["Preferred-Languages", "en, fr"],
        ["Canonical", f"{base}/.well-known/security.txt"],
        ["Policy", f"{base}/security/policy"],
    ]
    assert isinstance(disclosure_runtime.store.clock, FixedClock)
    disclosure_runtime.store.clock.advance(timedelta(days=40))
    assert "Expires: 2027-05-07T00:00:00Z" in public.get("/.well-known/security.txt").text


def test_security_txt_defaults_to_this_host(runtime: Runtime) -> None:
    text = TestClient(create_app(runtime)).get("/.well-known/security.txt").text
    assert "Contact: https://testserver/security/report\n" in text
    assert "Policy: https://testserver/security/policy\n" in text
    assert "Preferred-Languages: en\n" in text and text.count("Contact:") == 1


def test_a_researcher_reports_and_follows_without_an_account(
    public: TestClient, admin: TestClient
) -> None:
    receipt = _submit(public)
    assert receipt["state"] == "new" and receipt["token"].startswith("hvr_")
    assert receipt["status_url"] == f"/v1/security/reports/{receipt['id']}"
    shown = _track(public, receipt["id"], receipt["token"])
    assert shown.status_code == 200
    view = shown.json()
    assert (view["title"], view["state"], view["proposed_severity"]) == (
        BODY["title"],
        "new",
        "medium",
    )
    assert {c["name"]: c["status"] for c in view["sla"]["clocks"]} == {
        "first_response": "running",
        "triage": "running",
        "resolution": "running",
    }
    assert "description" not in view and "token" not in str(view)
    sent = admin.post(
        f"/v1/security/triage/reports/{receipt['id']}/messages", json={"body": "Reproduced."}
    )
    assert sent.status_code == 201 and sent.json()["author"] == "admin:ada"
    messages = _track(public, receipt["id"], receipt["token"]).json()["messages"]
    assert messages == [
        {"at": sent.json()["at"], "author": "the security team", "body": "Reproduced."}
    ]


def test_a_wrong_token_or_id_learns_nothing(public: TestClient) -> None:
    receipt = _submit(public)
    other = _submit(public)
    for report_id, token in (
        (receipt["id"], other["token"]),
        (receipt["id"], "hvr_" + "A" * 43),
        (UNKNOWN, receipt["token"]),
        ("nonsense", receipt["token"]),
        (receipt["id"], "x" * 100),
    ):
        answer = _track(public, report_id, token)
        assert answer.status_code == 404
        assert answer.json()["error"] == {
            "code": "unknown_security_report",
            "message": "no security report with this id and token",
            "data": {},
        }
    missing = public.get(f"/v1/security/reports/{receipt['id']}")
    assert missing.status_code == 422 and "x-report-token" in missing.json()["error"]["message"]
    too_long = _track(public, receipt["id"], "x" * 101)
    assert too_long.status_code == 422


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"title": None}, "invalid_request", "body.title"),
        ({"steps": ""}, "invalid_request", "body.steps"),
        ({"title": "x" * 201}, "invalid_request", "body.title"),
        ({"description": "x" * 20_001}, "invalid_request", "body.description"),
        ({"cvss40": "C" * 301}, "invalid_request", "body.cvss40"),
        ({"researcher_contact": "x" * 321}, "invalid_request", "body.researcher_contact"),
        ({"colour": "red"}, "invalid_request", "body.colour"),
        ({"acknowledge": "perhaps"}, "invalid_request", "body.acknowledge"),
        ({"title": "a\x00b"}, "invalid_security_report", "title"),
        ({"asset": "  "}, "invalid_security_report", "asset"),
        ({"researcher_name": None}, "invalid_security_report", "researcher_name"),
        ({"cvss31": "CVSS:3.1/AV:N/AC:L"}, "invalid_cvss_vector", "cvss31"),
        ({"cvss40": CVSS31_CRITICAL}, "invalid_cvss_vector", "cvss40"),
    ],
)
def test_a_bad_report_is_refused_naming_the_field(
    public: TestClient,
    admin: TestClient,
    disclosure_runtime: Runtime,
    changes: dict[str, Any],
    code: str,
    field: str,
) -> None:
    before = audit_size(disclosure_runtime.store)
    # A title of None leaves the field out; other None values are sent as JSON null.
    body = {k: v for k, v in {**BODY, **changes}.items() if v is not None or k != "title"}
    answer = public.post("/v1/security/reports", json=body)
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == code
    named = [p["field"] for p in error["data"].get("problems", [])] or [error["data"]["field"]]
    assert field in named, error
    if code == "invalid_cvss_vector":
        assert error["data"]["problem"] and error["message"].startswith(f"{field}: ")
    assert audit_size(disclosure_runtime.store) == before
    assert admin.get("/v1/security/triage/reports").json() == []


def test_public_submissions_are_rate_limited(
    disclosure_runtime: Runtime, admin: TestClient
) -> None:
    app = create_app(disclosure_runtime)
    app.state.public_limit = RateLimit(per_minute=1, burst=2)
    client = TestClient(app)
    _submit(client)
    form = {k: v for k, v in BODY.items() if k != "acknowledge"}
    assert client.post("/security/report", data=form).status_code == 201
    limited = client.post("/v1/security/reports", json=BODY)
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) >= 1
    page = client.post("/security/report", data=form)
    assert page.status_code == 429 and "too many requests" in page.text
    assert len(admin.get("/v1/security/triage/reports").json()) == 2


def test_the_html_form_and_tracking_page(public: TestClient) -> None:
    form = public.get("/security/report")
    assert form.status_code == 200 and 'name="steps"' in form.text
    assert "default-src 'none'" in form.headers["content-security-policy"]
    data = {k: v for k, v in BODY.items() if k not in ("acknowledge", "cvss31")}
    refused = public.post("/security/report", data={**data, "title": "<b>x</b>", "steps": " "})
    assert refused.status_code == 422 and "steps is required" in refused.text
    assert "&lt;b&gt;x&lt;/b&gt;" in refused.text and "<b>x</b>" not in refused.text  # refilled
    bad_vector = public.post("/security/report", data={**data, "cvss31": "CVSS:3.1/AV:Z"})
    assert bad_vector.status_code == 422 and "cvss31: " in bad_vector.text
    sent = public.post("/security/report", data={**data, "acknowledge": "true"})
    assert sent.status_code == 201 and sent.headers["cache-control"] == "no-store"
    token = sent.text.split('<p class="secret">')[1].split("</p>")[0]
    report_id = sent.text.split("Report <strong>")[1].split("</strong>")[0]
    assert _track(public, report_id, token).json()["acknowledge"] is True
    page = public.post("/security/status", data={"report_id": report_id, "token": token})
    assert page.status_code == 200 and BODY["title"] in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    wrong = public.post("/security/status", data={"report_id": report_id, "token": "hvr_x"})
    assert wrong.status_code == 404 and "no security report" in wrong.text
    assert public.get("/security/status").status_code == 200


def test_staff_triage_through_the_api(
    public: TestClient, admin: TestClient, disclosure_runtime: Runtime
) -> None:
    original = _submit(public)
    receipt = _submit(public, title="<script>alert(1)</script> in captions")
    url = f"/v1/security/triage/reports/{receipt['id']}"
    listed = admin.get("/v1/security/triage/reports?state=new").json()
    assert {r["id"] for r in listed} == {original["id"], receipt["id"]}
    dossier = admin.get(url).json()
    assert dossier["description"] == BODY["description"]
    assert dossier["researcher"] == {
        "name": "Grace H.",
        "contact": "grace@example.org",
        "acknowledge": True,
    }
    assert [h["kind"] for h in dossier["history"]] == ["security_report.received"]
    before = audit_size(disclosure_runtime.store)
    refused = [
        ("post", f"{url}/state", {"state": "resolved"}, 409, "invalid_transition"),
        ("post", f"{url}/state", {"state": "fixed"}, 422, "invalid_request"),
        ("post", f"{url}/state", {"state": "duplicate"}, 422, "invalid_triage"),
        (
            "post",
            f"{url}/state",
            {"state": "duplicate", "duplicate_of": UNKNOWN},
            422,
            "invalid_triage",
        ),
        ("put", f"{url}/score", {}, 422, "invalid_triage"),
        ("put", f"{url}/score", {"cvss31": "CVSS:3.1/AV:N"}, 422, "invalid_cvss_vector"),
        ("put", f"{url}/score", {"cvss40": "x" * 301}, 422, "invalid_request"),
        ("post", f"{url}/messages", {"body": ""}, 422, "invalid_request"),
        ("post", f"{url}/messages", {"body": "x" * 10_001}, 422, "invalid_request"),
        (
            "post",
            f"/v1/security/triage/reports/{UNKNOWN}/state",
            {"state": "triaged"},
            404,
            "unknown_security_report",
        ),
        ("get", f"/v1/security/triage/reports/{UNKNOWN}", None, 404, "unknown_security_report"),
        ("get", "/v1/security/triage/reports?state=open", None, 422, "invalid_request"),
        ("get", "/v1/security/triage/reports?limit=0", None, 422, "invalid_request"),
    ]
    for method, path, body, status, code in refused:
        answer = admin.request(method.upper(), path, json=body)
        assert (answer.status_code, answer.json()["error"]["code"]) == (status, code), path
    conflict = admin.post(f"{url}/state", json={"state": "resolved"}).json()["error"]
    assert conflict["data"] == {"from_state": "new", "to_state": "resolved"}
    assert audit_size(disclosure_runtime.store) == before
    assert admin.post(f"{url}/state", json={"state": "triaged"}).json()["state"] == "triaged"
    scored = admin.put(f"{url}/score", json={"cvss31": CVSS31_CRITICAL, "cvss40": CVSS40_HIGH})
    assert scored.status_code == 200
    assert (scored.json()["severity"], scored.json()["cvss31"]["score"]) == ("high", 9.8)
    resolved = admin.post(f"{url}/state", json={"state": "resolved"}).json()
    assert resolved["reward"]["severity"] == "high" and resolved["reward"]["currency"] == "EUR"
    assert _track(public, receipt["id"], receipt["token"]).json()["reward"] == resolved["reward"]
    # A duplicate of the resolved report earns nothing and is never acknowledged.
    dup = admin.post(
        f"/v1/security/triage/reports/{original['id']}/state",
        json={"state": "duplicate", "duplicate_of": receipt["id"]},
    ).json()
    assert (dup["state"], dup["duplicate_of"], dup["reward"]) == ("duplicate", receipt["id"], None)
    assert "duplicate_of" not in _track(public, original["id"], original["token"]).json()
    acknowledged = public.get("/v1/security/acknowledgements").json()["acknowledgements"]
    assert acknowledged == [
        {
            "researcher": "Grace H.",
            "title": "<script>alert(1)</script> in captions",
            "severity": "high",
            "resolved_at": resolved["updated_at"],
        }
    ]
    page = public.get("/security/acknowledgements")
    assert "Grace H." in page.text and "<script>alert(1)</script>" not in page.text


def test_only_administrators_triage(
    public: TestClient, moderator: TestClient, disclosure_runtime: Runtime
) -> None:
    receipt = _submit(public)
    url = f"/v1/security/triage/reports/{receipt['id']}"
    before = audit_size(disclosure_runtime.store)
    for client, status, code in (
        (public, 401, "not_authenticated"),
        (moderator, 403, "not_permitted"),
    ):
        for method, path, body in (
            ("get", "/v1/security/triage/reports", None),
            ("get", "/v1/security/triage/breached", None),
            ("get", url, None),
            ("post", f"{url}/state", {"state": "triaged"}),
            ("put", f"{url}/score", {"cvss31": CVSS31_CRITICAL}),
            ("post", f"{url}/messages", {"body": "hi"}),
        ):
            answer = client.request(method.upper(), path, json=body)
            assert (answer.status_code, answer.json()["error"]["code"]) == (status, code), path
    assert audit_size(disclosure_runtime.store) == before


def test_service_levels_as_time_moves(
    public: TestClient, admin: TestClient, disclosure_runtime: Runtime
) -> None:
    clock = disclosure_runtime.store.clock
    assert isinstance(clock, FixedClock)
    critical = _submit(public, cvss31=CVSS31_CRITICAL)  # proposed critical: 24 h to answer
    unrated = _submit(public, cvss31=None)  # no severity: 48 h
    clock.advance(timedelta(hours=23))
    admin = log_in(disclosure_runtime, admin, "ada")  # staff tokens last 12 hours
    assert admin.get("/v1/security/triage/breached").json() == []
    first = admin.get(f"/v1/security/triage/reports/{critical['id']}").json()["sla"]["clocks"][0]
    assert (first["name"], first["status"], first["seconds_left"]) == (
        "first_response",
        "running",
        3600,
    )
    clock.advance(timedelta(hours=2))
    admin = log_in(disclosure_runtime, admin, "ada")
    breached = admin.get("/v1/security/triage/breached").json()
    assert [r["id"] for r in breached] == [critical["id"]]
    clocks = {c["name"]: c for c in breached[0]["sla"]["clocks"]}
    assert clocks["first_response"]["seconds_left"] == -3600
    admin.post(f"/v1/security/triage/reports/{unrated['id']}/messages", json={"body": "On it"})
    admin.post(
        f"/v1/security/triage/reports/{critical['id']}/state", json={"state": "not_applicable"}
    )
    # Closed late: out of the open list, in the list with closed reports; the answered
    # unrated report met its first-response target.
    assert admin.get("/v1/security/triage/breached").json() == []
    with_closed = admin.get("/v1/security/triage/breached?include_closed=true").json()
    assert [r["id"] for r in with_closed] == [critical["id"]]
    shown = _track(public, unrated["id"], unrated["token"]).json()["sla"]["clocks"]
    assert [(c["name"], c["status"]) for c in shown] == [
        ("first_response", "met"),
        ("triage", "running"),
        ("resolution", "running"),
    ]


def test_the_programme_and_its_pages(public: TestClient) -> None:
    programme = public.get("/v1/security/programme").json()
    assert programme["states"]["new"] == ["duplicate", "not_applicable", "triaged"]
    assert programme["states"]["resolved"] == []
    assert programme["sla"]["targets"]["critical"]["first_response"] == 24
    assert programme["rewards"]["currency"] == "EUR"
    policy = public.get("/security/policy")
    assert policy.status_code == 200 and "Safe harbour" in policy.text
    assert "No one yet" in public.get("/security/acknowledgements").text
