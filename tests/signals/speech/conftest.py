"""Speech test media: espeak-ng speech and real LibriVox speech from pocketsphinx-testdata."""

from __future__ import annotations

import pytest

from haven.evaluation import LIBRIVOX
from haven.media.speech_synth import espeak_available


@pytest.fixture(autouse=True)
def _needs_speech_tools() -> None:
    # The README's test command installs both (scripts/install-system-deps.sh); failing here
    # says which is missing instead of an obscure error deep in a test.
    assert espeak_available(), "espeak-ng is missing: run scripts/install-system-deps.sh"
    assert (LIBRIVOX / "transcription").is_file(), (
        "pocketsphinx-testdata is missing: run scripts/install-system-deps.sh"
    )
