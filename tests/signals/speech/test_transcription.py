"""The speech analyzer with the real Whisper models: words, languages, timing, no inventions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from haven.evaluation import librivox_clips, word_error_rate
from haven.media.speech_synth import speak, speak_words
from haven.media.synth import solid, write_audio, write_video
from haven.pipeline import analyse
from haven.signals.speech import SpeechAnalyzer
from haven.signals.speech.transcriber import UnsupportedLanguage

pytestmark = pytest.mark.slow

SENTENCE = "Please be kind to each other in the comments. Bullying is never okay."


def _speech_report(path: Path, **options: object) -> dict:
    _, outputs = analyse(path, [SpeechAnalyzer(**options)])  # type: ignore[arg-type]
    return outputs["speech"].report


@pytest.fixture(scope="module")
def spoken_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    samples, rate = speak(SENTENCE)
    lead = np.zeros(rate, np.float32)  # speech starts at 1.0 s
    audio = np.concatenate([lead, samples, lead])
    frame = solid(320, 180, (60, 90, 120))
    return write_video(
        tmp_path_factory.mktemp("speech") / "spoken.mp4",
        lambda t: frame,
        width=180,
        height=320,
        duration=len(audio) / rate,
        audio_samples=audio,
        audio_rate=rate,
    )


# espeak-ng's robotic voice is out of Whisper's domain; tiny.en mishears more of it.
@pytest.mark.parametrize(("model", "max_wer"), [("base", 0.15), ("fast", 0.3)])
def test_generated_speech_is_transcribed_and_captioned(
    spoken_video: Path, model: str, max_wer: float
) -> None:
    report = _speech_report(spoken_video, model=model)
    assert report["status"] == "speech"
    assert word_error_rate(SENTENCE, report["transcript"]) <= max_wer, report["transcript"]
    assert report["language"] == "en"
    assert report["utterances"][0]["start"] == pytest.approx(1.0, abs=0.4)
    cues = report["captions"]
    assert cues and all(len(line) <= 42 for cue in cues for line in cue["lines"])
    assert " ".join(" ".join(c["lines"]) for c in cues) == report["transcript"]


def test_real_human_speech(tmp_path: Path) -> None:
    """One LibriVox clip from Debian's pocketsphinx-testdata (a person reading a novel)."""
    wav, reference = librivox_clips()[0]
    report = _speech_report(wav)
    assert word_error_rate(reference, report["transcript"]) <= 0.1, report["transcript"]


def _noise_cases(rate: int, seconds: float) -> dict[str, np.ndarray]:
    t = np.arange(int(rate * seconds)) / rate
    rng = np.random.default_rng(7)
    notes = 220 * 2 ** ((np.floor(t * 4) % 8) / 12)  # an arpeggio, four notes a second
    return {
        "silence": np.zeros_like(t),
        "tone": 0.3 * np.sin(2 * np.pi * 440 * t),
        "chord": sum(0.1 * np.sin(2 * np.pi * f * t) for f in (261.6, 329.6, 392.0)),
        "white_noise": 0.1 * rng.standard_normal(len(t)),
        "brown_noise": np.cumsum(rng.standard_normal(len(t))) * 0.002,
        "music": 0.2 * np.sin(2 * np.pi * notes * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 2 * t)),
    }


@pytest.mark.parametrize("case", list(_noise_cases(16_000, 1)))
def test_tones_music_and_noise_produce_no_words(tmp_path: Path, case: str) -> None:
    audio = _noise_cases(48_000, 12.0)[case].astype(np.float32)
    report = _speech_report(write_audio(tmp_path / f"{case}.wav", audio, 48_000))
    assert report["status"] == "no_speech", report["transcript"]
    assert report["transcript"] == "" and report["captions"] == [] and report["utterances"] == []
    assert report["language"] is None
    assert "no speech found" in report["summary"]


def test_language_is_detected_with_its_probability(tmp_path: Path) -> None:
    samples, rate = speak(
        "Hola a todos. Hoy vamos a hablar de la seguridad en internet.", voice="es"
    )
    report = _speech_report(write_audio(tmp_path / "es.wav", samples, rate))
    assert report["language"] == "es"
    assert 0.5 < report["language_probability"] <= 1.0
    assert report["language_forced"] is False


def test_language_can_be_forced(tmp_path: Path) -> None:
    samples, rate = speak(
        "Hola a todos. Hoy vamos a hablar de la seguridad en internet.", voice="es"
    )
    report = _speech_report(write_audio(tmp_path / "es.wav", samples, rate), language="es")
    assert report["language"] == "es" and report["language_forced"] is True


def test_bad_language_options_are_refused_before_decoding() -> None:
    with pytest.raises(UnsupportedLanguage, match="unknown language code 'xx'"):
        SpeechAnalyzer(language="xx")
    with pytest.raises(UnsupportedLanguage, match="English only"):
        SpeechAnalyzer(model="fast", language="es")


def test_word_times_follow_the_speech(tmp_path: Path) -> None:
    """Words spoken one by one at known onsets; Whisper's word starts land within 0.3 s."""
    words = ["safety", "first", "always", "check", "before", "you", "post", "online"]
    samples, rate, spoken = speak_words(words, gap=0.25)
    _, outputs = analyse(write_audio(tmp_path / "words.wav", samples, rate), [SpeechAnalyzer()])
    recognised = outputs["speech"].artifacts["transcript"].words
    heard = {w.text.strip(".,!?").lower(): w for w in recognised}
    matched = [(heard[s.text], s) for s in spoken if s.text in heard]
    assert len(matched) >= 6, [w.text for w in recognised]
    for word, said in matched:
        assert word.start == pytest.approx(said.start, abs=0.3), (word, said)


def test_video_without_audio_track(tmp_path: Path) -> None:
    frame = solid(64, 64, (90, 90, 90))
    path = write_video(tmp_path / "mute.mp4", lambda t: frame, width=64, height=64, duration=1)
    report = _speech_report(path)
    assert report["status"] == "no_audio_track"
    assert report["captions"] == [] and report["summary"] == "no audio track: nothing to caption"
