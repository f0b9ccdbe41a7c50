"""Real-time factor and memory of the speech analyzer on a 60-second portrait video.

The clip: 60 s of 1080x1920 30 fps H.264 with AAC sound. The sound is real speech: the five
LibriVox clips of Debian's ``pocketsphinx-testdata`` one after another with 0.5 s pauses,
repeated to fill the minute (a person talking almost all the time, the costly case).

Each model runs in a fresh Python process, so its load time and peak memory are its own:

load
    Seconds to verify the weights and load them (the first use in a process; a service keeps
    the model loaded afterwards).
RTF
    Wall-clock seconds of ``haven.pipeline.analyse(clip, [SpeechAnalyzer(model)])`` divided by
    the clip's 60 s, with the model already loaded: decode of the sound from the video, voice
    filter, Whisper with word timestamps (beam 5), caption layout.
peak RSS
    The process's peak resident memory.

Targets from the issue, on the 2-core machine: RTF <= 0.25 (base), <= 0.12 (tiny.en).

Run from the repository root::

    .venv/bin/python benchmarks/speech_speed.py
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av
import numpy as np

from haven.evaluation import librivox_clips
from haven.media.synth import gradient_backdrop, write_video

SECONDS = 60
TARGETS = {"base": 0.25, "fast": 0.12}
RATE = 16_000


def _load_wav(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
        parts = [
            out.to_ndarray().reshape(-1)
            for frame in container.decode(audio=0)
            for out in resampler.resample(frame)
        ]
    return np.concatenate(parts)


def make_clip(path: Path) -> None:
    pause = np.zeros(RATE // 2, np.float32)
    speech = np.concatenate([x for wav, _ in librivox_clips() for x in (_load_wav(wav), pause)])
    repeats = int(np.ceil(SECONDS * RATE / len(speech)))
    audio = np.tile(speech, repeats)[: SECONDS * RATE]
    write_video(
        path,
        lambda t: gradient_backdrop(1080, 1920, t),
        width=1080,
        height=1920,
        fps=30,
        duration=SECONDS,
        audio_samples=audio,
        audio_rate=RATE,
        crf=23,
    )


def measure(model: str, clip: Path) -> dict[str, float]:
    from haven.pipeline import analyse
    from haven.signals.speech import SpeechAnalyzer
    from haven.signals.speech.transcriber import _load_model

    began = time.perf_counter()
    _load_model(model)
    load = time.perf_counter() - began
    began = time.perf_counter()
    _, outputs = analyse(clip, [SpeechAnalyzer(model=model)])
    elapsed = time.perf_counter() - began
    report = outputs["speech"].report
    return {
        "load_seconds": load,
        "seconds": elapsed,
        "rtf": elapsed / SECONDS,
        "words": len(str(report["transcript"]).split()),
        "transcribe_seconds": float(report["transcribe_seconds"]),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", nargs=2, metavar=("MODEL", "CLIP"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]))))
        return 0
    with tempfile.TemporaryDirectory(prefix="haven-rtf-") as tmp:
        clip = Path(tmp) / "speech-60s.mp4"
        print(f"encoding a {SECONDS} s 1080x1920 clip with speech...", file=sys.stderr)
        make_clip(clip)
        results = {}
        for model in TARGETS:
            child = subprocess.run(
                [sys.executable, __file__, "--measure", model, str(clip)],
                capture_output=True,
                text=True,
                check=True,
            )
            results[model] = json.loads(child.stdout.strip().splitlines()[-1])
    print(f"Speech analyzer on a {SECONDS} s 1080x1920 video with speech ({os.cpu_count()} cores)")
    print(
        f"{'model':<16}{'load s':>8}{'analyse s':>11}{'RTF':>7}{'words':>7}{'peak RSS':>10}  target"
    )
    ok = True
    for model, r in results.items():
        passed = r["rtf"] <= TARGETS[model]
        ok &= passed
        name = "base" if model == "base" else "fast (tiny.en)"
        print(
            f"{name:<16}{r['load_seconds']:>8.2f}{r['seconds']:>11.2f}{r['rtf']:>7.3f}"
            f"{r['words']:>7}{r['peak_rss_mb']:>8.0f} MB  RTF <= {TARGETS[model]}"
            f" {'OK' if passed else 'MISSED'}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
