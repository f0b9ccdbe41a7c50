"""The registry of analyzers: names are unique and declared inputs must match requests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from haven.errors import InputError
from haven.signals.base import Analyzer, InputKind
from haven.signals.claims.analyzer import ClaimsAnalyzer
from haven.signals.external.analyzer import ExternalAnalyzer
from haven.signals.hashes.analyzer import HashesAnalyzer
from haven.signals.imagery.analyzer import ImageryAnalyzer
from haven.signals.ocr.analyzer import OcrAnalyzer
from haven.signals.photosensitivity.analyzer import PhotosensitivityAnalyzer
from haven.signals.speech.analyzer import SpeechAnalyzer
from haven.signals.text.analyzer import TextAnalyzer

AnalyzerFactory = Callable[..., Analyzer]


class RegistryError(ValueError):
    """A programming error in how analyzers are declared or registered."""


class UnknownAnalyzer(InputError):
    code = "unknown_analyzer"


class AnalyzerRegistry:
    def __init__(self) -> None:
        self._classes: dict[str, type[Analyzer]] = {}

    def register(self, analyzer_class: type[Analyzer]) -> type[Analyzer]:
        """Add an analyzer class; usable as a decorator. Raises ``RegistryError`` when invalid."""
        for attribute in ("name", "version", "inputs", "emits"):
            if not getattr(analyzer_class, attribute, None):
                raise RegistryError(f"{analyzer_class.__name__} does not declare {attribute!r}")
        name = analyzer_class.name
        if name in self._classes:
            raise RegistryError(f"an analyzer named {name!r} is already registered")
        unknown = set(analyzer_class.inputs) - set(InputKind)
        if unknown:
            raise RegistryError(f"{name}: unknown input kinds {sorted(unknown)}")
        for kind in analyzer_class.emits:
            if not kind.startswith(f"{name}."):
                raise RegistryError(f"{name}: emitted kind {kind!r} is not namespaced by the name")
        self._classes[name] = analyzer_class
        return analyzer_class

    def create(self, name: str, **options: Any) -> Analyzer:
        try:
            analyzer_class = self._classes[name]
        except KeyError:
            raise UnknownAnalyzer(
                f"unknown analyzer {name!r}; known: {', '.join(sorted(self._classes))}", name=name
            ) from None
        analyzer = analyzer_class(**options)
        check_declared_inputs(analyzer)
        return analyzer

    def names(self) -> list[str]:
        return sorted(self._classes)

    def signal_kinds(self) -> set[str]:
        return {kind for cls in self._classes.values() for kind in cls.emits}

    def __iter__(self) -> Iterator[type[Analyzer]]:
        return iter(self._classes.values())


def check_declared_inputs(analyzer: Analyzer) -> None:
    """Reject an analyzer that asks for frames or audio it did not declare as inputs."""
    if analyzer.frame_requests() and InputKind.VIDEO_FRAMES not in analyzer.inputs:
        raise RegistryError(f"{analyzer.name} requests frames but does not declare video_frames")
    if analyzer.audio_request() is not None and InputKind.AUDIO not in analyzer.inputs:
        raise RegistryError(f"{analyzer.name} requests audio but does not declare audio")


def default_registry() -> AnalyzerRegistry:
    """A registry holding every analyzer that ships with Haven."""
    registry = AnalyzerRegistry()
    registry.register(PhotosensitivityAnalyzer)
    registry.register(SpeechAnalyzer)
    registry.register(OcrAnalyzer)
    registry.register(TextAnalyzer)
    registry.register(ClaimsAnalyzer)
    registry.register(HashesAnalyzer)
    registry.register(ImageryAnalyzer)
    registry.register(ExternalAnalyzer)
    return registry
