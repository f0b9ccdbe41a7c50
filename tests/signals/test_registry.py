"""The analyzer registry and the contract every registered analyzer must keep."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest

from haven.media import FrameRequest, MediaInfo, MediaSource
from haven.pipeline import analyse
from haven.signals import (
    AnalysisRun,
    Analyzer,
    AnalyzerOutput,
    AnalyzerRegistry,
    InputKind,
    RegistryError,
    Signal,
    default_registry,
)
from haven.signals.registry import UnknownAnalyzer
from haven.signals.text.analyzer import TextItem


class _Counter(Analyzer):
    name: ClassVar[str] = "counter"
    version: ClassVar[str] = "0.1"
    inputs: ClassVar[frozenset[InputKind]] = frozenset({InputKind.VIDEO_FRAMES})
    emits: ClassVar[frozenset[str]] = frozenset({"counter.frames"})

    def frame_requests(self):
        return [FrameRequest("tiny", 16, "gray")]

    def start(self, media: MediaInfo) -> AnalysisRun:
        analyzer = self

        class Run(AnalysisRun):
            frames = 0

            def on_frame(self, frame) -> None:
                assert set(frame.images) == {"tiny"}
                Run.frames += 1

            def finish(self) -> AnalyzerOutput:
                signal = Signal(
                    analyzer.name, analyzer.version, "counter.frames", 1.0, {"frames": Run.frames}
                )
                return AnalyzerOutput([signal], {"frames": Run.frames})

        return Run()


def test_duplicate_names_are_rejected() -> None:
    registry = AnalyzerRegistry()
    registry.register(_Counter)
    with pytest.raises(RegistryError, match="already registered"):
        registry.register(_Counter)


def test_undeclared_inputs_are_rejected() -> None:
    class Sneaky(_Counter):
        name: ClassVar[str] = "sneaky"
        inputs: ClassVar[frozenset[InputKind]] = frozenset({InputKind.AUDIO})
        emits: ClassVar[frozenset[str]] = frozenset({"sneaky.frames"})

    registry = AnalyzerRegistry()
    registry.register(Sneaky)
    with pytest.raises(RegistryError, match="does not declare video_frames"):
        registry.create("sneaky")


def test_emitted_kinds_must_be_namespaced() -> None:
    class Loose(_Counter):
        name: ClassVar[str] = "loose"
        emits: ClassVar[frozenset[str]] = frozenset({"other.kind"})

    with pytest.raises(RegistryError, match="not namespaced"):
        AnalyzerRegistry().register(Loose)


def test_unknown_analyzer_is_an_input_error() -> None:
    with pytest.raises(UnknownAnalyzer, match="unknown analyzer 'nope'"):
        default_registry().create("nope")


def test_two_analyzers_share_one_decode_pass(flashing_clip: Path) -> None:
    registry = default_registry()
    registry.register(_Counter)
    photo = registry.create("photosensitivity")
    media, outputs = analyse(flashing_clip, [photo, registry.create("counter")])
    assert outputs["counter"].report["frames"] == media.frames_decoded == 120
    assert outputs["photosensitivity"].report["frames_analysed"] == 120


MEDIA_ANALYZERS = [c.name for c in default_registry() if c.inputs != {InputKind.TEXT}]
TEXT_ANALYZERS = [c.name for c in default_registry() if c.inputs == {InputKind.TEXT}]


def _check_signals(name: str, output: AnalyzerOutput) -> None:
    registry = default_registry()
    analyzer_class = next(c for c in registry if c.name == name)
    assert analyzer_class.version
    assert output.signals
    for signal in output.signals:
        assert signal.kind in analyzer_class.emits
        assert signal.analyzer_version == analyzer_class.version
        assert signal.time_range is not None or signal.evidence


@pytest.mark.parametrize("name", MEDIA_ANALYZERS)
def test_every_shipped_analyzer_keeps_the_contract(name: str, demo_clip: Path) -> None:
    """Same input, same output; versioned; signals namespaced, declared and located.

    The demo clip has something for every analyzer: a flash, speech and on-screen text.
    """
    registry = default_registry()
    first = analyse(demo_clip, [registry.create(name)])[1][name]
    second = analyse(demo_clip, [registry.create(name)])[1][name]
    assert [s.as_dict() for s in first.signals] == [s.as_dict() for s in second.signals]
    with MediaSource(demo_clip) as source:
        alone = registry.create(name).analyze(source)
    assert [s.as_dict() for s in alone.signals] == [s.as_dict() for s in first.signals]
    _check_signals(name, first)


@pytest.mark.parametrize("name", TEXT_ANALYZERS)
def test_every_text_analyzer_keeps_the_contract(name: str) -> None:
    items = [
        TextItem("go back to your country you vermin", "comment"),
        TextItem("they put microchips in the covid vaccine to track you", "caption"),
        TextItem("hi", "search"),
    ]
    analyzer = default_registry().create(name)
    first, second = analyzer.analyze_texts(items), analyzer.analyze_texts(items)
    assert [s.as_dict() for s in first.signals] == [s.as_dict() for s in second.signals]
    _check_signals(name, first)
