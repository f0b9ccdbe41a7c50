"""Haven's data directory: where assembled models and, later, the embedded store live.

``HAVEN_DATA_DIR`` wins; otherwise ``$XDG_DATA_HOME/haven`` or ``~/.local/share/haven``, the
place the XDG base-directory convention gives per-user application data on Linux.
"""

from __future__ import annotations

import os
from pathlib import Path

from haven.errors import InputError


class DataDirError(InputError):
    code = "data_dir_unusable"


def data_dir() -> Path:
    """The data directory, created if missing. Raises ``DataDirError`` when it cannot be."""
    configured = os.environ.get("HAVEN_DATA_DIR")
    if configured:
        path = Path(configured).expanduser()
    else:
        base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
        path = Path(base) / "haven"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataDirError(
            f"cannot create Haven's data directory {path} ({exc.strerror}); set HAVEN_DATA_DIR"
            " to a writable directory",
            path=str(path),
        ) from exc
    return path
