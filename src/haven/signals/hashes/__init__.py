"""Perceptual and exact hashes of pictures and videos, for matching against banks of known
harmful media (PDQ, vPDQ's format, MD5, SHA-256)."""
