"""Resource hubs are managed data with sources and review dates."""

from __future__ import annotations

from datetime import date

import pytest

from haven.wellbeing.hubs import UnknownHub, all_hubs, hub


def test_every_hub_has_sources_languages_and_a_review_date() -> None:
    hubs = all_hubs()
    assert {"covid19", "elections", "wellbeing", "eating_disorder_support"} <= set(hubs)
    for item in hubs.values():
        assert item.sources and all(s["url"].startswith("https://") for s in item.sources)
        assert item.languages and item.path.startswith(("/hubs/", "/collections/"))


def test_the_youth_portal_and_a_collection_of_creators_who_opted_in() -> None:
    portal = hub("youth_portal")
    assert portal.kind == "portal" and {s["id"] for s in portal.sections} >= {"family_pairing"}
    collection = hub("heritage_month_2026")
    assert collection.kind == "collection" and collection.members
    assert all(date.fromisoformat(m["opted_in_at"]) for m in collection.members)


def test_review_falls_due() -> None:
    covid = hub("covid19")
    assert not covid.review_due(covid.reviewed_at)
    assert covid.review_due(date(covid.reviewed_at.year + 1, 12, 31))


def test_unknown_hub() -> None:
    with pytest.raises(UnknownHub):
        hub("astrology")
