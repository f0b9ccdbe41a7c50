"""A local stand-in for the Transparency Database's API that enforces its documented rules.

The rules are written here again, on their own, from the database's documentation and its
request validation (the batch endpoint's rules), not taken from ``haven.transparency.schema``:
a mistake in Haven's validator then shows up as a refused call instead of passing both sides.
Like the real service: a bearer token, at most 100 statements a call, all or nothing, errors
keyed ``statement_<index>``, ``existing_puids`` for puids it holds, ``302``/``404`` for the
existing-puid check. Faults can be injected to test retries and lost answers."""

from __future__ import annotations

import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

VISIBILITY = {
    f"DECISION_VISIBILITY_{v}"
    for v in [
        "CONTENT_REMOVED",
        "CONTENT_DISABLED",
        "CONTENT_DEMOTED",
        "CONTENT_AGE_RESTRICTED",
        "CONTENT_INTERACTION_RESTRICTED",
        "CONTENT_LABELLED",
        "OTHER",
    ]
}
MONETARY = {f"DECISION_MONETARY_{v}" for v in ["SUSPENSION", "TERMINATION", "OTHER"]}
PROVISION = {
    f"DECISION_PROVISION_{v}"
    for v in ["PARTIAL_SUSPENSION", "TOTAL_SUSPENSION", "PARTIAL_TERMINATION", "TOTAL_TERMINATION"]
}
ACCOUNT = {"DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"}
ACCOUNT_TYPE = {"ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE"}
GROUND = {"DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"}
CONTENT_TYPE = {
    f"CONTENT_TYPE_{v}"
    for v in ["APP", "AUDIO", "IMAGE", "PRODUCT", "SYNTHETIC_MEDIA", "TEXT", "VIDEO", "OTHER"]
}
CATEGORY = {
    f"STATEMENT_CATEGORY_{v}"
    for v in [
        "ANIMAL_WELFARE",
        "CONSUMER_INFORMATION",
        "CYBER_VIOLENCE",
        "CYBER_VIOLENCE_AGAINST_WOMEN",
        "DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
        "ILLEGAL_OR_HARMFUL_SPEECH",
        "INTELLECTUAL_PROPERTY_INFRINGEMENTS",
        "NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
        "NOT_SPECIFIED_NOTICE",
        "OTHER_VIOLATION_TC",
        "PROTECTION_OF_MINORS",
        "RISK_FOR_PUBLIC_SECURITY",
        "SCAMS_AND_FRAUD",
        "SELF_HARM",
        "UNSAFE_AND_PROHIBITED_PRODUCTS",
        "VIOLENCE",
    ]
}
KEYWORDS = {
    f"KEYWORD_{v}"
    for v in [
        "ADULT_SEXUAL_MATERIAL",
        "AGE_SPECIFIC_RESTRICTIONS",
        "AGE_SPECIFIC_RESTRICTIONS_MINORS",
        "ANIMAL_HARM",
        "BIOMETRIC_DATA_BREACH",
        "BULLYING_AGAINST_GIRLS",
        "CHILD_SEXUAL_ABUSE_MATERIAL",
        "CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE",
        "CONTENT_PROMOTING_EATING_DISORDERS",
        "COORDINATED_HARM",
        "COPYRIGHT_INFRINGEMENT",
        "CYBER_BULLYING_INTIMIDATION",
        "CYBER_HARASSMENT",
        "CYBER_HARASSMENT_AGAINST_WOMEN",
        "CYBER_INCITEMENT",
        "CYBER_STALKING",
        "CYBER_STALKING_AGAINST_WOMEN",
        "DATA_FALSIFICATION",
        "DEFAMATION",
        "DESIGN_INFRINGEMENT",
        "DISCRIMINATION",
        "FEMALE_GENDERED_DISINFORMATION",
        "GEOGRAPHIC_INDICATIONS_INFRINGEMENT",
        "GEOGRAPHICAL_REQUIREMENTS",
        "GOODS_SERVICES_NOT_PERMITTED",
        "GROOMING_SEXUAL_ENTICEMENT_MINORS",
        "HATE_SPEECH",
        "HIDDEN_ADVERTISEMENT",
        "HUMAN_EXPLOITATION",
        "HUMAN_TRAFFICKING",
        "ILLEGAL_ORGANIZATIONS",
        "IMPERSONATION_ACCOUNT_HIJACKING",
        "INAUTHENTIC_ACCOUNTS",
        "INAUTHENTIC_LISTINGS",
        "INAUTHENTIC_USER_REVIEWS",
        "INCITEMENT_AGAINST_WOMEN",
        "INCITEMENT_VIOLENCE_HATRED",
        "INSUFFICIENT_INFORMATION_ON_TRADERS",
        "LANGUAGE_REQUIREMENTS",
        "MISINFORMATION_DISINFORMATION",
        "MISLEADING_INFO_CONSUMER_RIGHTS",
        "MISLEADING_INFO_GOODS_SERVICES",
        "MISSING_PROCESSING_GROUND",
        "NON_CONSENSUAL_IMAGE_SHARING",
        "NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN",
        "NON_CONSENSUAL_MATERIAL_DEEPFAKE",
        "NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN",
        "NONCOMPLIANCE_PRICING",
        "NUDITY",
        "PATENT_INFRINGEMENT",
        "PHISHING",
        "PROHIBITED_PRODUCTS",
        "PYRAMID_SCHEMES",
        "RIGHT_TO_BE_FORGOTTEN",
        "RISK_ENVIRONMENTAL_DAMAGE",
        "RISK_PUBLIC_HEALTH",
        "SELF_MUTILATION",
        "STALKING",
        "SUICIDE",
        "TERRORIST_CONTENT",
        "TRADE_SECRET_INFRINGEMENT",
        "TRADEMARK_INFRINGEMENT",
        "TRAFFICKING_WOMEN_GIRLS",
        "UNLAWFUL_SALE_ANIMALS",
        "UNSAFE_CHALLENGES",
        "UNSAFE_PRODUCTS",
        "VIOLATION_EU_LAW",
        "VIOLATION_NATIONAL_LAW",
        "OTHER",
    ]
}
COUNTRIES = set(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
        "IS",
        "LI",
        "NO",
    ]
)
SOURCE = {
    "SOURCE_ARTICLE_16",
    "SOURCE_TRUSTED_FLAGGER",
    "SOURCE_TYPE_OTHER_NOTIFICATION",
    "SOURCE_VOLUNTARY",
}
AUTOMATED_DECISION = {f"AUTOMATED_DECISION_{v}" for v in ["FULLY", "PARTIALLY", "NOT_AUTOMATED"]}
PUID = re.compile(r"[a-zA-Z0-9_-]+")  # the real rule's /D: no trailing newline
BATCH_MAX = 100


def _date(value: Any, low: str, high: str = "2038-01-01") -> str | None:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return "does not match the format YYYY-MM-DD"
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return "is not a date"
    if not date.fromisoformat(low) <= day <= date.fromisoformat(high):
        return f"must be between {low} and {high}"
    return None


def rules_broken(s: dict[str, Any]) -> dict[str, list[str]]:
    """The documented rules of one statement; field -> messages (empty: valid)."""
    errors: dict[str, list[str]] = {}

    def fail(name: str, message: str) -> None:
        errors.setdefault(name, []).append(f"The {name.replace('_', ' ')} {message}.")

    def is_in(name: str, allowed: set[str], *, array: bool = False) -> None:
        value = s.get(name)
        if value is None:
            return
        values = value if array else [value]
        if array and not isinstance(value, list):
            fail(name, "must be an array")
        elif any(v not in allowed for v in values):
            fail(name, "is invalid")

    def max_len(name: str, limit: int) -> None:
        value = s.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            fail(name, f"must not be greater than {limit} characters")

    decisions = (
        "decision_visibility",
        "decision_monetary",
        "decision_provision",
        "decision_account",
    )
    if not any(s.get(name) for name in decisions):
        fail("decision_visibility", "is required when none of the other decisions are present")
    is_in("decision_visibility", VISIBILITY, array=True)
    if "DECISION_VISIBILITY_OTHER" in (s.get("decision_visibility") or []):
        if not s.get("decision_visibility_other"):
            fail("decision_visibility_other", "is required when decision visibility is other")
        max_len("decision_visibility_other", 500)
    is_in("decision_monetary", MONETARY)
    if s.get("decision_monetary") == "DECISION_MONETARY_OTHER":
        if not s.get("decision_monetary_other"):
            fail("decision_monetary_other", "is required when decision monetary is other")
        max_len("decision_monetary_other", 500)
    is_in("decision_provision", PROVISION)
    is_in("decision_account", ACCOUNT)
    is_in("account_type", ACCOUNT_TYPE)
    is_in("category_specification", KEYWORDS, array=True)
    max_len("category_specification_other", 500)
    if s.get("decision_ground") not in GROUND:
        fail("decision_ground", "is required and must be valid")
    url = s.get("decision_ground_reference_url")
    if url is not None and not re.match(r"^https?://[^\s/$.?#].\S*$", str(url)):
        fail("decision_ground_reference_url", "must be a valid URL")
    max_len("decision_ground_reference_url", 500)
    ground = s.get("decision_ground")
    pairs = {
        "DECISION_GROUND_ILLEGAL_CONTENT": (
            "illegal_content_legal_ground",
            "illegal_content_explanation",
        ),
        "DECISION_GROUND_INCOMPATIBLE_CONTENT": (
            "incompatible_content_ground",
            "incompatible_content_explanation",
        ),
    }
    if ground in pairs:
        reason, explanation = pairs[ground]
        for name in (reason, explanation):
            if not s.get(name):
                fail(name, "is required for this decision ground")
        max_len(reason, 500)
        max_len(explanation, 2000)
    if ground == "DECISION_GROUND_INCOMPATIBLE_CONTENT":
        is_in("incompatible_content_illegal", {"Yes", "No"})
    if not s.get("content_type"):
        fail("content_type", "is required")
    is_in("content_type", CONTENT_TYPE, array=True)
    if "CONTENT_TYPE_OTHER" in (s.get("content_type") or []):
        if not s.get("content_type_other"):
            fail("content_type_other", "is required when content is other")
        max_len("content_type_other", 500)
    if s.get("category") not in CATEGORY:
        fail("category", "is required and must be valid")
    is_in("category_addition", CATEGORY, array=True)
    is_in("territorial_scope", COUNTRIES, array=True)
    language = s.get("content_language")
    if language is not None and not re.fullmatch(r"[A-Z]{2}", str(language)):
        fail("content_language", "is invalid")
    for name, low in (("content_date", "2000-01-01"), ("application_date", "2020-01-01")):
        problem = _date(s.get(name), low)
        if problem:
            fail(name, problem)
    for name in (
        "end_date_account_restriction",
        "end_date_monetary_restriction",
        "end_date_service_restriction",
        "end_date_visibility_restriction",
    ):
        if s.get(name) is not None:
            problem = _date(s[name], "1900-01-01")
            if problem:
                fail(name, problem)
    if not s.get("decision_facts"):
        fail("decision_facts", "is required")
    max_len("decision_facts", 5000)
    if s.get("source_type") not in SOURCE:
        fail("source_type", "is required and must be valid")
    max_len("source_identity", 500)
    if s.get("automated_detection") not in ("Yes", "No"):
        fail("automated_detection", "is required and must be Yes or No")
    if s.get("automated_decision") not in AUTOMATED_DECISION:
        fail("automated_decision", "is required and must be valid")
    puid = s.get("puid")
    if not isinstance(puid, str) or not puid or len(puid) > 500 or not PUID.fullmatch(puid):
        fail("puid", "is required: at most 500 letters, digits, - and _")
    return errors


@dataclass
class Faults:
    """Failures to inject into the next calls."""

    statuses: list[int] = field(default_factory=list)  # answer these before handling
    store_then_fail: int = 0  # store the batch but answer 503 (an answer lost on the way)
    poison: str | None = None  # a puid whose presence in a call makes the server answer 500
    retry_after: str | None = None


class TransparencyDatabase:
    """The server's state: stored statements by puid, the calls it saw, injected faults."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.stored: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, str, int]] = []  # method, path, status answered
        self.faults = Faults()
        self.lock = threading.Lock()

    def store_batch(self, body: Any) -> tuple[int, dict[str, Any]]:
        statements = body.get("statements") if isinstance(body, dict) else None
        if not isinstance(statements, list) or not 1 <= len(statements) <= BATCH_MAX:
            return 422, {"errors": {"statements": [f"between 1 and {BATCH_MAX} statements"]}}
        errors = {}
        for index, statement in enumerate(statements):
            broken = rules_broken(statement) if isinstance(statement, dict) else {"": ["object"]}
            if broken:
                errors[f"statement_{index}"] = broken
        if errors:
            return 422, {"errors": errors}
        puids = [s["puid"] for s in statements]
        existing = sorted({p for p in puids if p in self.stored or puids.count(p) > 1})
        if existing:
            message = "The platform identifier(s) are not all unique within this call."
            return 422, {
                "message": message,
                "errors": {"puid": [message], "existing_puids": existing},
            }
        out = []
        for statement in statements:
            stored = {**statement, "uuid": str(uuid.uuid4()), "platform_name": "Haven test"}
            self.stored[statement["puid"]] = stored
            out.append(stored)
        return 201, {"statements": out}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *_: object) -> None:  # quiet test output
        pass

    def _answer(self, status: int, body: dict[str, Any] | None = None, **headers: str) -> None:
        # Logged before answering: a client that has its answer must find its call here.
        self.server.database.calls.append((self.command, self.path, status))
        data = json.dumps(body or {}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self) -> bool:
        if self.headers.get("Authorization") != f"Bearer {self.server.database.token}":
            self._answer(401, {"message": "Unauthenticated."})
            return False
        return True

    def _injected(self) -> bool:
        faults = self.server.database.faults
        if faults.statuses:
            status = faults.statuses.pop(0)
            extra = {"Retry_After": faults.retry_after} if faults.retry_after else {}
            self._answer(status, {"message": "injected"}, **extra)
            return True
        return False

    def do_GET(self) -> None:
        if not self._authorised() or self._injected():
            return
        prefix = "/api/v1/statement/existing-puid/"
        if self.path.startswith(prefix):
            puid = self.path.removeprefix(prefix)
            if puid in self.server.database.stored:
                self._answer(
                    302, Location=f"/api/v1/statement/{self.server.database.stored[puid]['uuid']}"
                )
            else:
                self._answer(404, {"message": "statement not found"})
            return
        self._answer(404, {"message": "no such route"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        if not self._authorised() or self._injected():
            return
        if self.path != "/api/v1/statements":
            self._answer(404, {"message": "no such route"})
            return
        if self.headers.get("Content-Type") != "application/json":
            self._answer(415, {"message": "JSON only"})
            return
        try:
            body = json.loads(raw)
        except ValueError:
            self._answer(400, {"message": "not JSON"})
            return
        database = self.server.database
        statements = body.get("statements") if isinstance(body, dict) else None
        if database.faults.poison and any(
            isinstance(x, dict) and x.get("puid") == database.faults.poison
            for x in statements or []
        ):
            self._answer(500, {"message": "Server Error"})
            return
        with database.lock:
            status, answer = database.store_batch(body)
            if status == 201 and database.faults.store_then_fail:
                database.faults.store_then_fail -= 1
                self._answer(503, {"message": "stored, but the answer was lost"})
                return
        self._answer(status, answer)


class _Server(ThreadingHTTPServer):
    database: TransparencyDatabase


def start(token: str) -> tuple[_Server, str]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.database = TransparencyDatabase(token)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"
