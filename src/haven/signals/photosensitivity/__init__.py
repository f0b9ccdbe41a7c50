"""Photosensitivity: flashes, red flashes and regular patterns that can trigger seizures."""
