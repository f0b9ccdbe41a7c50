"""A person who uses everything Haven keeps, built through the real API on a fresh database
(SQLite and PostgreSQL): a comment, a small generated video and a picture that matches a
child-safety bank (so it goes under legal hold), notices and appeals by and about them,
well-being settings, usage, Family Pairing with a request for more time, a suspension and ad
impressions; then helpers to dump every table and find what mentions them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw
from tests.conftest import make_runtime

from haven.access.roles import Reviewer, Role
from haven.access.service import create_key
from haven.access.staff import create_staff
from haven.api.app import create_app
from haven.banks import service as banks
from haven.banks.models import BankCategory
from haven.cases import service as cases
from haven.clock import FixedClock
from haven.jobs.worker import Worker
from haven.media.synth import solid, write_video
from haven.runtime import Runtime

PLATFORM = "clips"
PERSON = "teen-5b2c9e"  # distinctive: a dump is searched for it
EMAIL = "river.k.7731@example.org"
NAME = "River Kowalczyk"
PARENT = "parent-8d1f40"
AUTHOR = "author-3a7b11"
PASSWORD = "correct horse battery"
TEXTS = {
    "comment": "zebralantern says you are all pathetic losers",
    "caption": "ukulelemeadow watch my dance",
    "report": "quartzharbor this post insults my friend",
    "notifier_appeal": "violetcanyon the insult is still up",
    "appeal": "saffronglacier it was a joke between friends",
    "time_request": "mapleorbit finishing my homework video",
}
STAFF = {"ada": "admin", "cem": "compliance", "alice": "moderator", "bob": "moderator"}
ALICE = Reviewer("moderator:alice", Role.MODERATOR)
NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


@dataclass
class Scenario:
    runtime: Runtime
    client: TestClient
    clock: FixedClock
    platform: dict[str, str]  # the platform key's headers
    staff: dict[str, dict[str, str]]  # username -> bearer headers
    worker: Worker
    ids: dict[str, str] = field(default_factory=dict)

    def as_staff(self, username: str) -> dict[str, str]:
        return self.staff[username]


def _picture(path: Path) -> Path:
    """A picture with enough structure for PDQ, the same on every run."""
    image = Image.new("RGB", (320, 240), (240, 235, 220))
    draw = ImageDraw.Draw(image)
    for i in range(12):
        draw.rectangle(
            (i * 25, 10 + i * 15, i * 25 + 60, 70 + i * 12), fill=(20 * i, 90, 200 - i * 9)
        )
        draw.ellipse((300 - i * 22, i * 18, 340 - i * 22, 40 + i * 18), fill=(200, 30 + 15 * i, 40))
    image.save(path)
    return path


def _video(path: Path) -> Path:
    frame = solid(320, 180, (90, 140, 200))
    return write_video(path, lambda t: frame, width=180, height=320, duration=1.0)


@pytest.fixture
def privacy_runtime(database_url: str, tmp_path: Path) -> Iterator[Runtime]:
    runtime = make_runtime(
        database_url,
        tmp_path,
        clock=FixedClock(NOW),
        HAVEN_MEDIA_DIR=str(tmp_path / "media"),
        HAVEN_SCAN_ANALYZERS="photosensitivity,text,hashes",
    )
    yield runtime
    runtime.close()


@pytest.fixture
def base(privacy_runtime: Runtime, tmp_path: Path) -> Scenario:
    """Staff, a platform key and a child-safety bank; nobody's data yet."""
    runtime = privacy_runtime
    for username, role in STAFF.items():
        create_staff(
            runtime.store, username=username, role=role, password=PASSWORD, actor="operator:t"
        )
    secret = create_key(runtime.store, platform=PLATFORM, name="t", actor="operator:t").secret
    banks.add_media(
        runtime.store,
        bank="CSAM_TEST",
        paths=[_picture(tmp_path / "known.png")],
        category=BankCategory.CHILD_SAFETY,
        actor="operator:t",
    )
    client = TestClient(create_app(runtime))
    staff = {}
    for username in STAFF:
        answer = client.post("/v1/staff/login", json={"username": username, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        staff[username] = {"Authorization": f"Bearer {answer.json()['token']}"}
    clock = runtime.store.clock
    assert isinstance(clock, FixedClock)
    return Scenario(runtime, client, clock, {"X-API-Key": secret}, staff, runtime.worker())


def _ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json() if answer.content else None


def _decided(s: Scenario, posted: dict[str, Any]) -> str:
    assert s.worker.run(posted["job_id"]) == "done"
    return str(posted["id"])


def _content(s: Scenario, tmp_path: Path) -> None:
    api, key = s.client, s.platform
    s.ids["comment"] = _decided(
        s,
        _ok(
            api.post(
                "/v1/content/text",
                headers=key,
                json={
                    "text": TEXTS["comment"],
                    "surface": "comment",
                    "author_id": PERSON,
                    "external_id": "c-1",
                },
            ),
            202,
        ),
    )
    for name, path, kind in (
        ("video", _video(tmp_path / "dance.mp4"), "video/mp4"),
        ("picture", _picture(tmp_path / "upload.png"), "image/png"),
    ):
        with path.open("rb") as stream:
            posted = api.post(
                "/v1/content/media",
                headers=key,
                files={"file": (path.name, stream, kind)},
                data={"caption": TEXTS["caption"], "author_id": PERSON},
            )
        s.ids[name] = _decided(s, _ok(posted, 202))
    s.ids["other"] = _decided(
        s,
        _ok(
            api.post(
                "/v1/content/text",
                headers=key,
                json={"text": "an ordinary comment", "surface": "comment", "author_id": AUTHOR},
            ),
            202,
        ),
    )


def _notices_and_appeals(s: Scenario) -> None:
    api, key, store = s.client, s.platform, s.runtime.store
    # Someone reports the person's comment; a moderator removes it; the person appeals.
    _ok(
        api.post(
            "/v1/reports",
            headers=key,
            json={
                "content_id": s.ids["comment"],
                "category": "harassment_bullying",
                "explanation": "Insults everyone.",
                "reporter_kind": "user",
                "reporter_id": AUTHOR,
                "good_faith": True,
                "notifier_name": "Ana Lima",
                "notifier_email": "ana@example.org",
            },
        ),
        201,
    )
    cases.claim(store, ALICE, s.ids["comment"])
    cases.decide(
        store,
        ALICE,
        s.ids["comment"],
        cases.ReviewDecision("remove", "Insults other users.", ground_reference="rules/1"),
    )
    s.ids["appeal"] = _ok(
        api.post(
            "/v1/appeals",
            headers=key,
            json={
                "content_id": s.ids["comment"],
                "appellant_kind": "affected_user",
                "appellant_id": PERSON,
                "reason": TEXTS["appeal"],
            },
        ),
        201,
    )["id"]
    # The person reports someone else's comment; it is kept; they appeal as the notifier.
    s.ids["report"] = _ok(
        api.post(
            "/v1/reports",
            headers=key,
            json={
                "content_id": s.ids["other"],
                "category": "harassment_bullying",
                "explanation": TEXTS["report"],
                "reporter_kind": "user",
                "reporter_id": PERSON,
                "good_faith": True,
                "notifier_name": NAME,
                "notifier_email": EMAIL,
                "location_url": f"https://clips.example/@{PERSON}/watch",
            },
        ),
        201,
    )["id"]
    cases.claim(store, ALICE, s.ids["other"])
    cases.decide(store, ALICE, s.ids["other"], cases.ReviewDecision("keep", "Not an insult."))
    s.ids["notifier_appeal"] = _ok(
        api.post(
            "/v1/appeals",
            headers=key,
            json={
                "content_id": s.ids["other"],
                "appellant_kind": "notifier",
                "appellant_id": s.ids["report"],
                "reason": TEXTS["notifier_appeal"],
            },
        ),
        201,
    )["id"]


def _wellbeing(s: Scenario) -> None:
    api, key = s.client, s.platform
    for user, band in ((PERSON, "13_15"), (PARENT, "18_plus"), (AUTHOR, "18_plus")):
        _ok(
            api.put(
                f"/v1/wellbeing/users/{user}",
                headers=key,
                json={"age_band": band, "time_zone": "Europe/Paris", "settings": {}},
            )
        )
    now = s.clock.now()
    events = [
        {
            "event_id": f"e{n}",
            "user_id": PERSON,
            "kind": kind,
            "at": (now - timedelta(minutes=m)).isoformat(),
        }
        for n, (kind, m) in enumerate((("foreground", 30), ("view", 20), ("background", 5)))
    ]
    _ok(api.post("/v1/wellbeing/usage", headers=key, json={"events": events}))
    code = _ok(
        api.post("/v1/wellbeing/pairing/codes", headers=key, json={"parent_id": PARENT}), 201
    )["code"]
    s.ids["link"] = _ok(
        api.post(
            "/v1/wellbeing/pairing/redeem", headers=key, json={"teen_id": PERSON, "code": code}
        ),
        201,
    )["link_id"]
    _ok(
        api.put(
            f"/v1/wellbeing/pairing/{PERSON}/controls",
            headers=key,
            json={
                "parent_id": PARENT,
                "controls": {"search_allowed": False},
                "parent_passcode": "1357",
            },
        )
    )
    request_id = _ok(
        api.post(
            f"/v1/wellbeing/pairing/{PERSON}/time-requests",
            headers=key,
            json={"minutes": 20, "reason": TEXTS["time_request"]},
        ),
        201,
    )["request_id"]
    _ok(
        api.post(
            f"/v1/wellbeing/time-requests/{request_id}/answer",
            headers=key,
            json={"parent_id": PARENT, "approve": True},
        )
    )
    _ok(api.post(f"/v1/wellbeing/users/{PERSON}/unlock", headers=key, json={"passcode": "1357"}))
    # A wrong guess after it (a right one forgets the wrong ones before it): counted.
    wrong = api.post(f"/v1/wellbeing/users/{PERSON}/unlock", headers=key, json={"passcode": "0000"})
    assert wrong.status_code == 422


def _suspension_and_impressions(s: Scenario) -> None:
    api, key = s.client, s.platform
    now = s.clock.now()
    _ok(
        api.post(
            "/v1/transparency/suspensions",
            headers=key,
            json={
                "subject_id": PERSON,
                "reason": "manifestly_illegal_content",
                "warned_at": (now - timedelta(days=2)).isoformat(),
                "starts_at": (now - timedelta(days=1)).isoformat(),
            },
        ),
        201,
    )
    _ok(api.put("/v1/brand-safety/campaigns/spring", headers=key, json={"inventory": "full"}))
    _ok(
        api.post(
            "/v1/brand-safety/impressions",
            headers=key,
            json={"impressions": [{"campaign_id": "spring", "content_id": s.ids["video"]}]},
        ),
        201,
    )


def populate(s: Scenario, tmp_path: Path) -> Scenario:
    """Give the person everything: see the module docstring."""
    _content(s, tmp_path)
    _notices_and_appeals(s)
    _wellbeing(s)
    _suspension_and_impressions(s)
    return s


@pytest.fixture
def scenario(base: Scenario, tmp_path: Path) -> Scenario:
    return populate(base, tmp_path)


@pytest.fixture
def commenter(base: Scenario) -> Scenario:
    """A smaller person: one decided comment and a well-being profile."""
    s = base
    s.ids["comment"] = _decided(
        s,
        _ok(
            s.client.post(
                "/v1/content/text",
                headers=s.platform,
                json={"text": TEXTS["comment"], "surface": "comment", "author_id": PERSON},
            ),
            202,
        ),
    )
    _ok(
        s.client.put(
            f"/v1/wellbeing/users/{PERSON}",
            headers=s.platform,
            json={"age_band": "18_plus", "time_zone": "UTC", "settings": {}, "passcode": "2468"},
        )
    )
    return s


# --- Looking at everything the database holds -------------------------------------------------


def dump(runtime: Runtime) -> dict[str, list[str]]:
    """Every row of every table in the database (whoever's module made it), as JSON text."""
    engine = runtime.database.engine
    tables = sqlalchemy.inspect(engine).get_table_names()
    metadata = sqlalchemy.MetaData()
    out: dict[str, list[str]] = {}
    with engine.connect() as connection:
        for name in sorted(tables):
            table = sqlalchemy.Table(name, metadata, autoload_with=connection)
            rows = connection.execute(sqlalchemy.select(table)).mappings()
            out[name] = sorted(json.dumps(dict(r), default=str, sort_keys=True) for r in rows)
    return out


def mentions(tables: dict[str, list[str]], needles: list[str]) -> list[tuple[str, str]]:
    """The (table, row) pairs that contain any of the needles."""
    return [
        (name, row)
        for name, rows in tables.items()
        for row in rows
        if any(needle in row for needle in needles)
    ]


def personal_needles() -> list[str]:
    return [PERSON, EMAIL, NAME, *TEXTS.values()]


def media_names(runtime: Runtime) -> set[str]:
    root = runtime.settings.media_root
    return {p.name for p in root.iterdir()} if root.exists() else set()
