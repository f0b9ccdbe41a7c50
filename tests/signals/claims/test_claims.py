"""Fact-check bank: ClaimReview import, verdicts from ratings, matching texts to claims."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from haven.signals.base import TextItem
from haven.signals.claims.analyzer import ClaimsAnalyzer
from haven.signals.claims.bank import (
    ClaimReviewError,
    FactCheck,
    import_claim_reviews,
    imported,
    parse_claim_reviews,
    verdict_of,
)


def _review(claim: str, rating: str | None = "False", value: int | None = None) -> dict:
    record: dict = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://factcheck.example.org/" + claim[:10].replace(" ", "-"),
        "claimReviewed": claim,
        "author": {"@type": "Organization", "name": "Example Fact Check"},
        "reviewRating": {"@type": "Rating", "bestRating": 5, "worstRating": 1},
    }
    if rating is not None:
        record["reviewRating"]["alternateName"] = rating
    if value is not None:
        record["reviewRating"]["ratingValue"] = value
    return record


@pytest.mark.parametrize(
    ("rating", "verdict"),
    [
        ({"alternateName": "Pants on Fire!"}, "false"),
        ({"alternateName": "Partly false"}, "misleading"),
        ({"alternateName": "Missing context"}, "misleading"),
        ({"alternateName": "Unproven"}, "unverified"),
        ({"alternateName": "Not true"}, "false"),
        ({"alternateName": "Correct"}, "true"),
        ({"alternateName": "Untrue"}, "false"),
        ({"alternateName": "Inaccurate"}, "false"),
        ({"alternateName": "Four Pinocchios"}, "false"),
        ({"alternateName": "Satire"}, "misleading"),
        ({"ratingValue": 1, "worstRating": 1, "bestRating": 5}, "false"),
        ({"ratingValue": 3, "worstRating": 1, "bestRating": 5}, "misleading"),
    ],
)
def test_verdicts_from_ratings(rating: dict, verdict: str) -> None:
    assert verdict_of(rating) == verdict


def test_json_ld_forms_and_bad_records() -> None:
    one = json.dumps(_review("The moon landing was staged"))
    graph = json.dumps({"@graph": [_review("A"), _review("B", "Misleading")]})
    assert len(parse_claim_reviews(one, "one")) == 1
    assert [f.verdict for f in parse_claim_reviews(graph, "graph")] == ["false", "misleading"]
    with pytest.raises(ClaimReviewError, match="not JSON"):
        parse_claim_reviews("{nope", "x")
    with pytest.raises(ClaimReviewError, match=r"not a schema\.org ClaimReview"):
        parse_claim_reviews(json.dumps({"@type": "Article"}), "x")
    with pytest.raises(ClaimReviewError, match="neither a recognisable name"):
        parse_claim_reviews(json.dumps(_review("C", rating=None)), "x")


def test_import_is_all_or_nothing_and_idempotent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAVEN_DATA_DIR", str(tmp_path / "data"))
    good = tmp_path / "good.jsonld"
    good.write_text(json.dumps([_review("Claim one"), _review("Claim two", "Unproven")]))
    bad = tmp_path / "bad.jsonld"
    bad.write_text(json.dumps([_review("Claim three"), {"@type": "ClaimReview"}]))
    with pytest.raises(ClaimReviewError, match="claimReviewed is missing"):
        import_claim_reviews([good, bad])
    assert imported() == []
    assert import_claim_reviews([good]) == (2, 0)
    assert import_claim_reviews([good]) == (0, 2)
    assert [f.verdict for f in imported()] == ["false", "unverified"]


BANK = [
    FactCheck("COVID-19 vaccines contain microchips to track people", "false", "False",
              "https://factcheck.example.org/microchips", "Example Fact Check", topic="covid19"),
    FactCheck("You can vote in the national election by text message", "false", "False",
              "https://factcheck.example.org/text-vote", "Example Fact Check", topic="elections"),
    FactCheck("Drinking water prevents dehydration", "true", "True",
              "https://factcheck.example.org/water", "Example Fact Check"),
]  # fmt: skip


def _matches(text: str) -> list:
    output = ClaimsAnalyzer(BANK).analyze_texts([TextItem(text, "comment")])
    return output.artifacts["per_item"][0]


def test_a_paraphrase_of_a_false_claim_matches() -> None:
    (match,) = _matches("they put micro chips in the covid vaccine so they can track us")
    assert match.attributes["verdict"] == "false"
    assert match.evidence["fact_check_url"] == "https://factcheck.example.org/microchips"
    assert "vaccine" in match.evidence["shared_words"]


@pytest.mark.parametrize(
    "text",
    [
        "I got my flu shot today, arm is a bit sore",
        "Polls open at 7am, bring your ID",
        "Remember to drink water when it's hot",  # matches only a claim rated true
    ],
)
def test_unrelated_or_true_claims_do_not_match(text: str) -> None:
    assert _matches(text) == []


def test_the_seed_bank_has_sourced_false_claims_on_both_topics() -> None:
    from haven.signals.claims.bank import seed_bank

    seeds = seed_bank()
    assert {f.topic for f in seeds} == {"covid19", "elections"}
    assert all(f.url.startswith("https://") and f.publisher for f in seeds)
    analyzer = ClaimsAnalyzer()
    output = analyzer.analyze_texts([TextItem("mail in ballots are all fraud", "caption")])
    (match, *_) = output.artifacts["per_item"][0]
    assert match.attributes["topic"] == "elections" and match.attributes["verdict"] == "false"


def test_a_debunk_is_not_a_repetition_of_the_claim() -> None:
    text = "Fact check: covid vaccines do not contain microchips, that claim is debunked"
    assert _matches(text) == []


def test_a_damaged_bank_file_names_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAVEN_DATA_DIR", str(tmp_path))
    (tmp_path / "claims").mkdir()
    (tmp_path / "claims" / "bank.json").write_text("[{")
    with pytest.raises(
        ClaimReviewError, match=r"bank\.json: the imported fact-check bank is damaged"
    ):
        imported()
