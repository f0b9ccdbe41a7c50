"""The ``ocr`` analyzer: on-screen text read with rapidocr from sampled frames."""

from haven.signals.ocr.analyzer import OcrAnalyzer

__all__ = ["OcrAnalyzer"]
