"""The issue's end-to-end check: a letterboxed, mirrored re-upload of a banked video is blocked
through `haven scan`, with the bank and entry named in the reasons; and the `haven bank`
commands as an operator uses them, bad input included."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.banks.test_banks import CHANGES, PHOTOS, _picture, _slideshow


def _haven(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "haven.cli", *args], env=env, capture_output=True, text=True
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "HAVEN_DATA_DIR": str(tmp_path / "data")}


def test_a_letterboxed_mirrored_reupload_is_blocked_by_haven_scan(
    env: dict[str, str], tmp_path: Path
) -> None:
    original = _slideshow(tmp_path / "known.mp4", lambda p: p)
    added = _haven(env, "bank", "add", "CSAM_TEST", str(original), "--category", "child_safety")
    assert added.returncode == 0, added.stderr
    assert "video" in added.stdout and "index holds" in added.stderr
    reupload = _slideshow(tmp_path / "reupload.mp4", CHANGES["letterboxed-mirrored"], crf=30)
    scanned = _haven(
        env, "scan", str(reupload), "--json", "-q", "--analyzers", "photosensitivity,hashes"
    )
    assert scanned.returncode == 0, scanned.stderr
    report = json.loads(scanned.stdout)
    treatments = {t["name"]: t for t in report["treatments"]}
    assert "remove" in treatments and "hold_for_review" in treatments
    assert "CSAM_TEST" in treatments["remove"]["reason"]
    assert treatments["hold_for_review"]["params"]["queue"] == "child_safety"
    match = report["analyzers"]["hashes"]["matches"][0]
    assert match["bank"] == "CSAM_TEST" and match["kind"] == "video" and match["query_share"] >= 0.8
    text = _haven(env, "scan", str(reupload), "-q", "--analyzers", "hashes")
    assert "MATCH CSAM_TEST" in text.stdout
    unrelated = _picture(tmp_path, "cat", PHOTOS[2])
    clean = json.loads(
        _haven(env, "scan", str(unrelated), "--json", "-q", "--analyzers", "hashes").stdout
    )
    assert clean["analyzers"]["hashes"]["matches"] == [] and clean["treatments"] == []


def test_bank_commands_and_their_refusals(env: dict[str, str], tmp_path: Path) -> None:
    picture = _picture(tmp_path, "known", PHOTOS[0])
    assert _haven(env, "bank", "add", "KNOWN", str(picture)).returncode == 0
    listed = _haven(env, "bank", "list").stdout.splitlines()
    assert listed[1].split("\t")[:3] == ["KNOWN", "other", "3"]
    exported = tmp_path / "known.csv"
    assert _haven(env, "bank", "export", "KNOWN", str(exported)).returncode == 0
    imported = _haven(env, "bank", "import", "COPY", str(exported))
    assert imported.returncode == 0 and imported.stdout.startswith("3 new entries")
    assert _haven(env, "bank", "set", "COPY", "--enable-ratio", "0.5").returncode == 0
    for args, message in (
        (["bank", "add", "lower", str(picture)], "bank name"),
        (["bank", "add", "KNOWN", str(tmp_path / "missing.png")], "no such file"),
        (["bank", "set", "KNOWN", "--enable-ratio", "1.5"], "between 0 and 1"),
        (["bank", "set", "NOPE", "--negative"], "no bank"),
        (["bank", "disable", "KNOWN", "999"], "no entry 999"),
    ):
        refused = _haven(env, *args)
        assert refused.returncode != 0 and message in refused.stderr, (args, refused.stderr)
    bad = tmp_path / "bad.csv"
    bad.write_text("signal_type,signal\npdq,zz\n")
    refused = _haven(env, "bank", "import", "BAD", str(bad))
    assert refused.returncode == 2 and "row 2" in refused.stderr
    assert "BAD" not in _haven(env, "bank", "list").stdout
