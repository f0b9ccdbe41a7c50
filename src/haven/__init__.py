"""Haven: an open trust, safety and well-being engine for short-video communities."""

__version__ = "0.1.0"
