"""Deleting stored uploads, only ever after the transaction that forgot them has committed: a
rolled-back erasure must not have lost a file the database still points to."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)


def _inside(media_root: Path, name: str) -> Path | None:
    """The file's path, if the name stays inside the media folder (the store only ever keeps
    Haven's own ``<content id>.<suffix>`` names; anything else is refused, not followed)."""
    root = media_root.resolve()
    path = (root / name).resolve()
    return path if path.parent == root else None


def present(media_root: Path, names: Iterable[str]) -> list[str]:
    return [n for n in names if (path := _inside(media_root, n)) is not None and path.is_file()]


def delete_media(media_root: Path, names: Iterable[str]) -> tuple[int, list[str]]:
    """Delete the files; how many were deleted, and the names that could not be (a missing
    file counts as neither: there is nothing left to delete)."""
    deleted, left = 0, []
    for name in names:
        path = _inside(media_root, name)
        if path is None:
            left.append(name)
            continue
        try:
            path.unlink()
            deleted += 1
        except FileNotFoundError:
            continue
        except OSError as exc:
            # The name is Haven's own (a content id), never a person's.
            log.warning("could not delete the stored upload %s: %s", name, exc.strerror)
            left.append(name)
    return deleted, left
