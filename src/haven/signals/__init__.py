"""Analyzers and the signals they emit."""

from haven.signals.base import (
    AnalysisRun,
    Analyzer,
    AnalyzerOutput,
    InputKind,
    Signal,
    TimeRange,
)
from haven.signals.registry import AnalyzerRegistry, RegistryError, default_registry

__all__ = [
    "AnalysisRun",
    "Analyzer",
    "AnalyzerOutput",
    "AnalyzerRegistry",
    "InputKind",
    "RegistryError",
    "Signal",
    "TimeRange",
    "default_registry",
]
