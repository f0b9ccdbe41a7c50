"""The head is rebuilt reproducibly, and the shipped one matches the data in the repository."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from haven.signals.text import training
from haven.signals.text.head import FEATURES, shipped_head
from haven.taxonomy import CATEGORY_IDS

DATA = Path(__file__).resolve().parents[3] / "datasets" / "text-safety"


def test_training_is_deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(training, "EPOCHS", 3)
    rng = np.random.default_rng(0)
    states = [
        rng.normal(size=(int(rng.integers(1, 12)), 384)).astype(np.float32) for _ in range(90)
    ]
    features = rng.normal(size=(90, FEATURES)).astype(np.float32)
    labels = (rng.random((90, len(CATEGORY_IDS))) < 0.2).astype(np.float32)
    first = training.train(states, features, labels)
    second = training.train(states, features, labels)
    assert np.array_equal(first.wc, second.wc) and np.array_equal(first.w2, second.w2)
    assert first.thresholds == second.thresholds


def test_the_shipped_head_was_built_from_the_data_in_the_repository() -> None:
    files, external = training.dataset_files(DATA)
    facts = shipped_head().facts
    assert facts["data_sha256"] == training.data_sha256(files), (
        "datasets/text-safety changed since the head was built: run scripts/train_text_head.py"
    )
    assert external.name not in facts["data_files"]


def test_the_data_set_meets_its_own_rules() -> None:
    files, _ = training.dataset_files(DATA)
    examples = training.load_examples(files)
    assert len(examples) >= 1500
    assert sum(not e.labels for e in examples) / len(examples) >= 0.4
    assert {c for e in examples for c in e.labels} == set(CATEGORY_IDS)
    held_out = {e.text for e in examples if e.test_split}
    assert 0.15 < len(held_out) / len(examples) < 0.25
    assert not held_out & {e.text for e in examples if not e.test_split}


def test_bad_records_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "labels": ["gossip"], "kind": "harm", "surface": "comment"}\n')
    with pytest.raises(training.DatasetError, match="bad labels"):
        training.load_examples([bad])
