"""`haven text`: one JSON object per input, decisions per surface, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli import _assert_one_line_error, run


def _objects(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


COMMENT = "you're a worthless loser, nobody likes you"


def test_a_comment_is_scored_flagged_and_decided() -> None:
    result = run("text", COMMENT)
    assert result.returncode == 0, result.stderr
    (answer,) = _objects(result.stdout)
    assert answer["id"] == "1" and answer["surface"] == "comment"
    assert len(answer["categories"]) == 13
    flagged = {f["category"]: f for f in answer["flagged"]}
    assert "harassment_bullying" in flagged
    assert flagged["harassment_bullying"]["spans"][0]["text"] in COMMENT
    assert answer["decision"] == "nudge"
    assert "reconsider" in answer["treatments"][0]["reason"]


def test_a_self_harm_search_shows_helplines_first() -> None:
    result = run("text", "how to kill myself painlessly", "--surface", "search")
    (answer,) = _objects(result.stdout)
    assert answer["decision"] == "intervene"
    assert answer["treatments"][0]["params"]["resources"] == "helplines"


def test_jsonl_batches_echo_ids_and_report_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "c1", "text": "great content, thanks for sharing!"}).encode(),
        json.dumps({"id": "s1", "text": "pro ana tips", "surface": "search"}).encode(),
        b'{"id": "bad", "text": "caf\xe9 but latin-1"}',
        b"not json at all",
        json.dumps({"id": "e1", "text": ""}).encode(),
        json.dumps({"id": "m1", "text": "Привет 👋 nice edit", "language": "ru"}).encode(),
        json.dumps({"id": "big", "text": "a" * 1_000_000}).encode(),
    ]
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    result = run("text", "--jsonl", str(path))
    assert result.returncode == 2
    answers = _objects(result.stdout)
    assert [a.get("id", a.get("line")) for a in answers[:2]] == ["c1", "s1"]
    assert answers[0]["decision"] == "allow"
    assert answers[1]["decision"] == "intervene"
    assert "not valid UTF-8" in answers[2]["error"] and answers[2]["line"] == 3
    assert "line 4" in answers[3]["error"]
    assert answers[4]["flagged"] == [] and "empty text" in answers[4]["notes"]
    assert any("no lexicon" in note for note in answers[5]["notes"])
    assert "longer than" in answers[6]["error"]
    assert "could not be read" in result.stderr


def test_text_needs_exactly_one_input(tmp_path: Path) -> None:
    _assert_one_line_error(run("text"), "give either TEXT or --jsonl")
    _assert_one_line_error(run("text", "--jsonl", str(tmp_path / "none.jsonl")), "cannot read")


def test_a_known_false_claim_is_labelled_with_its_fact_check() -> None:
    result = run(
        "text", "they put microchips in the covid vaccine to track you", "--surface", "caption"
    )
    (answer,) = _objects(result.stdout)
    assert answer["claims"] and answer["claims"][0]["verdict"] == "false"
    assert answer["claims"][0]["fact_check_url"].startswith("https://")
    assert {"not_recommended", "info_banner"} <= {t["name"] for t in answer["treatments"]}


def test_claims_import_and_list(tmp_path: Path) -> None:
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://factcheck.example.org/moon",
        "claimReviewed": "The moon is made of cheese",
        "author": {"name": "Example Fact Check"},
        "reviewRating": {"alternateName": "False"},
    }
    path = tmp_path / "reviews.jsonld"
    path.write_text(json.dumps([review]))
    env = {"HAVEN_DATA_DIR": str(tmp_path / "data")}
    first = run_env(env, "claims", "import", str(path))
    assert first.returncode == 0 and "imported 1" in first.stdout
    assert "already in the bank" in run_env(env, "claims", "import", str(path)).stdout
    listed = run_env(env, "claims", "list").stdout
    assert "The moon is made of cheese" in listed
    bad = tmp_path / "bad.jsonld"
    bad.write_text("[{}]")
    _assert_one_line_error(run_env(env, "claims", "import", str(bad)), "ClaimReview")


def run_env(env: dict[str, str], *args: str):
    import os
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "haven.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
    )


def test_scan_reads_the_caption_speech_and_screen_for_harm(demo_clip: Path) -> None:
    import jsonschema

    from haven.report import report_schema

    caption = "they put microchips in the covid vaccine, share before they delete this"
    result = run(
        "scan", str(demo_clip), "--json", "--analyzers", "speech,ocr,text,claims",
        "--model", "fast", "--caption", caption,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    jsonschema.validate(report, report_schema())
    surfaces = {item["surface"] for item in report["analyzers"]["text"]["items"]}
    assert surfaces == {"caption", "transcript", "on_screen"}
    harm = [s for s in report["analyzers"]["text"]["signals"] if s["kind"] == "text.harm"]
    assert any(s["attributes"]["category"] == "misinformation_health" for s in harm)
    assert report["analyzers"]["claims"]["signals"][0]["attributes"]["verdict"] == "false"
    names = {t["name"] for t in report["treatments"]}
    assert {"info_banner", "not_recommended", "captions"} <= names


def test_a_search_about_suicide_and_eating_keeps_the_suicide_lines_first() -> None:
    query = "i want to die, need thinspo and purge tips"
    result = run("text", query, "--surface", "search", "--country", "US")
    (answer,) = _objects(result.stdout)
    numbers = [
        c["number"] for h in answer["resources"]["helplines"]["helplines"] for c in h["contacts"]
    ]
    assert "+1988" in numbers
