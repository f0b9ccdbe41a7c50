"""Renditions that remove hazards: transforms of media that are verified by re-analysis."""

from haven.mitigation.photosensitivity import MitigationOutcome, mitigate_photosensitivity

__all__ = ["MitigationOutcome", "mitigate_photosensitivity"]
