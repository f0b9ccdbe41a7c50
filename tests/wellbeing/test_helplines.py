"""Helplines for a search: by country, fresh, youth lines first for minors, never invented."""

from __future__ import annotations

from datetime import date, timedelta

from haven.wellbeing.helplines import FALLBACK_LINK, all_helplines, helplines_for


def test_every_record_has_a_source_a_date_and_a_way_to_reach_it() -> None:
    records = all_helplines()
    assert len({r.id for r in records}) == len(records)
    for record in records:
        assert record.source.startswith("https://")
        assert record.contacts and all(c.get("number") or c.get("url") for c in record.contacts)


def test_required_lines_are_shipped() -> None:
    numbers = {c.get("number") for r in all_helplines() for c in r.contacts}
    assert {"+1988", "116123", "+44116123"} <= numbers  # US 988, EU 116 123, UK Samaritans


def test_country_lines_first_and_the_eu_numbers_where_a_country_has_none() -> None:
    us = helplines_for("US")
    assert us.helplines and all(h.country == "US" for h in us.helplines)
    italy = helplines_for("it")
    assert [h.country for h in italy.helplines] == ["EU"] * len(italy.helplines)
    assert italy.helplines[0].youth is False  # an adult sees 116 123 before the child line
    assert helplines_for("it", minor=True).helplines[0].youth is True


def test_unknown_country_gets_emergency_advice_and_a_directory() -> None:
    answer = helplines_for("AQ")
    assert answer.helplines == [] and FALLBACK_LINK in answer.advice
    assert helplines_for(None).helplines == []


def test_stale_records_are_not_shown() -> None:
    newest = max(r.verified_at for r in all_helplines())
    assert helplines_for("US", today=newest + timedelta(days=800)).helplines == []
    assert helplines_for("US", today=date.today()).helplines
