"""Nudity in pictures and video frames (Yahoo's open_nsfw, offline)."""
