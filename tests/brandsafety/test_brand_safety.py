"""Brand safety: the tier of every decision, the advertiser check answering per inventory tier
and exclusion, impressions and the campaign report, through the API on both databases."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from haven.access.service import create_key
from haven.api.app import create_app
from haven.brandsafety.campaigns import Campaign, Exclusion, Inventory, may_run
from haven.brandsafety.tiers import BrandSafety, Tier, brand_safety
from haven.runtime import Runtime
from haven.taxonomy import Garm


@pytest.mark.parametrize(
    ("categories", "treatments", "tier"),
    [
        ({}, ["remove"], Tier.FLOOR),
        ({"child_sexual_exploitation_grooming": 0.6}, [], Tier.FLOOR),
        ({"hate_speech": 0.95}, [], Tier.FLOOR),
        ({"sexual_content": 0.5}, ["age_restrict"], Tier.HIGH),
        ({"harassment_bullying": 0.85}, ["comment_nudge"], Tier.HIGH),
        ({"misinformation_health": 0.4}, ["info_banner", "not_recommended"], Tier.MEDIUM),
        ({"profanity": 0.6}, [], Tier.MEDIUM),
        ({"profanity": 0.2}, [], Tier.LOW),
        ({}, [], Tier.LOW),
    ],
)
def test_every_decision_gets_a_tier(
    categories: dict[str, float], treatments: list[str], tier: Tier
) -> None:
    assert brand_safety(categories, treatments).tier is tier


@pytest.mark.parametrize(
    ("inventory", "allowed"),
    [
        (Inventory.FULL, {Tier.LOW, Tier.MEDIUM, Tier.HIGH}),
        (Inventory.STANDARD, {Tier.LOW, Tier.MEDIUM}),
        (Inventory.LIMITED, {Tier.LOW}),
    ],
)
def test_inventory_tiers(inventory: Inventory, allowed: set[Tier]) -> None:
    campaign = Campaign("p", "c", inventory)
    for tier in Tier:
        safety = BrandSafety(Garm.OBSCENITY_PROFANITY.value, tier, "test")
        assert may_run(campaign, safety).allowed is (tier in allowed), (inventory, tier)
    assert not may_run(campaign, None).allowed  # not screened yet


def test_exclusions_are_cumulative_from_their_tier() -> None:
    campaign = Campaign("p", "c", Inventory.FULL, (Exclusion(Garm.MISINFORMATION, Tier.MEDIUM),))
    misinformation = Garm.MISINFORMATION.value
    assert may_run(campaign, BrandSafety(misinformation, Tier.LOW, "")).allowed
    assert not may_run(campaign, BrandSafety(misinformation, Tier.MEDIUM, "")).allowed
    assert not may_run(campaign, BrandSafety(misinformation, Tier.HIGH, "")).allowed
    assert may_run(campaign, BrandSafety(Garm.OBSCENITY_PROFANITY.value, Tier.HIGH, "")).allowed


@pytest.fixture
def api(runtime: Runtime) -> TestClient:
    client = TestClient(create_app(runtime))
    client.headers["X-API-Key"] = create_key(
        runtime.store, platform="clips", name="t", actor="t"
    ).secret
    return client


def _decided(api: TestClient, text: str) -> tuple[str, dict[str, object]]:
    answer = api.post("/v1/check/text", json={"text": text, "surface": "comment"})
    assert answer.status_code == 200, answer.text
    return answer.json()["id"], answer.json()["decision"]["brand_safety"]


def test_the_advertiser_check_per_tier_through_the_api(api: TestClient) -> None:
    for name, inventory in (
        ("full-1", "full"),
        ("standard-1", "standard"),
        ("limited-1", "limited"),
    ):
        assert (
            api.put(f"/v1/brand-safety/campaigns/{name}", json={"inventory": inventory}).status_code
            == 200
        )
    calm, calm_safety = _decided(api, "what a lovely sunset over the lake")
    rude, rude_safety = _decided(api, "you're a worthless loser, nobody likes you")
    gone, gone_safety = _decided(api, "send me pics and don't tell your mom")
    assert (calm_safety["risk_tier"], rude_safety["risk_tier"], gone_safety["risk_tier"]) == (
        "low",
        "high",
        "floor",
    )
    assert rude_safety["garm_category"] == "hate_speech_acts_of_aggression"
    expected = {
        calm: {"full-1": True, "standard-1": True, "limited-1": True},
        rude: {"full-1": True, "standard-1": False, "limited-1": False},
        gone: {"full-1": False, "standard-1": False, "limited-1": False},
    }
    for content_id, answers in expected.items():
        for campaign_id, allowed in answers.items():
            placed = api.post(
                f"/v1/brand-safety/campaigns/{campaign_id}/check", json={"content_id": content_id}
            ).json()
            assert placed["allowed"] is allowed, (content_id, campaign_id, placed)
    pending = api.post("/v1/content/text", json={"text": "hello", "surface": "caption"}).json()[
        "id"
    ]
    unscreened = api.post(
        "/v1/brand-safety/campaigns/full-1/check", json={"content_id": pending}
    ).json()
    assert unscreened["allowed"] is False and "not been screened" in unscreened["reason"]
    api.put(
        "/v1/brand-safety/campaigns/full-1",
        json={
            "inventory": "full",
            "exclusions": [
                {"garm_category": "hate_speech_acts_of_aggression", "from_tier": "medium"}
            ],
        },
    )
    excluded = api.post("/v1/brand-safety/campaigns/full-1/check", json={"content_id": rude}).json()
    assert excluded["allowed"] is False and "excludes" in excluded["reason"]

    # Impressions and the campaign report.
    sent = api.post(
        "/v1/brand-safety/impressions",
        json={
            "impressions": [
                {"campaign_id": "standard-1", "content_id": calm, "count": 3},
                {"campaign_id": "standard-1", "content_id": rude, "count": 1},
            ]
        },
    )
    assert sent.status_code == 201 and sent.json() == {"impressions": 4}
    report = api.get("/v1/brand-safety/campaigns/standard-1/report").json()
    assert report["impressions"] == 4
    assert report["by_tier"] == {
        "high": {"impressions": 1, "share": 0.25},
        "low": {"impressions": 3, "share": 0.75},
    }


def test_bad_input_changes_nothing(api: TestClient) -> None:
    api.put("/v1/brand-safety/campaigns/c-1", json={"inventory": "limited"})
    calm, _ = _decided(api, "nice shot")
    cases = [
        ("put", "/v1/brand-safety/campaigns/c-2", {"inventory": "everything"}, 422),
        (
            "put",
            "/v1/brand-safety/campaigns/c-2",
            {"inventory": "full", "exclusions": [{"garm_category": "kittens", "from_tier": "low"}]},
            422,
        ),
        ("put", "/v1/brand-safety/campaigns/bad%20id", {"inventory": "full"}, 422),
        ("post", "/v1/brand-safety/campaigns/nope/check", {"content_id": calm}, 404),
        ("post", "/v1/brand-safety/campaigns/c-1/check", {"content_id": "missing"}, 404),
        (
            "post",
            "/v1/brand-safety/impressions",
            {
                "impressions": [
                    {"campaign_id": "c-1", "content_id": calm},
                    {"campaign_id": "c-1", "content_id": "missing"},
                ]
            },
            404,
        ),
        ("get", "/v1/brand-safety/campaigns/nope/report", None, 404),
    ]
    for method, url, body, status in cases:
        answer = api.request(method.upper(), url, json=body)
        assert answer.status_code == status, (url, answer.text)
    assert api.get("/v1/brand-safety/campaigns/c-1/report").json()["impressions"] == 0
    assert api.get("/v1/brand-safety/campaigns/c-2").status_code == 404
