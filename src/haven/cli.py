"""The ``haven`` command line: a thin shell over the pipeline, the policy and mitigation."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click
from tqdm import tqdm

from haven import __version__
from haven.errors import HavenError, InputError
from haven.media.synth import write_demo_clip
from haven.mitigation import mitigate_photosensitivity
from haven.pipeline import scan as run_scan
from haven.policy import load_policy
from haven.report import build_report, render_text
from haven.signals import default_registry
from haven.signals.photosensitivity.profiles import DEFAULT_PROFILE, load_profiles

EXIT_BAD_INPUT = 2
EXIT_NOT_PASSING = 1


def _fail(exc: HavenError) -> NoReturn:
    click.echo(f"haven: error: {exc}", err=True)
    sys.exit(EXIT_BAD_INPUT if isinstance(exc, InputError) else 1)


class _Progress:
    """A progress bar on stderr that appears only for work longer than a second, on a terminal."""

    def __init__(self, quiet: bool, label: str):
        enabled = not quiet and sys.stderr.isatty()
        self._bar = tqdm(
            total=1.0,
            unit="s",
            desc=label,
            delay=1.0,
            file=sys.stderr,
            disable=not enabled,
            bar_format="{l_bar}{bar}| {n:.1f}/{total:.1f} s [{elapsed}<{remaining}]",
        )
        self._done = 0.0

    def __call__(self, done: float, total: float) -> None:
        if self._bar.disable:
            return
        total = max(total, done, 1e-3)
        if self._bar.total != total:
            self._bar.total = total
        self._bar.update(max(0.0, done - self._done))
        self._done = max(self._done, done)

    def close(self) -> None:
        self._bar.close()


def _profile_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--profile",
        type=click.Choice(sorted(load_profiles())),
        default=DEFAULT_PROFILE,
        show_default=True,
        help="Photosensitivity standard: phone (10-degree field on a phone at 30 cm), "
        "broadcast (ITU-R BT.1702 / Ofcom), wcag (WCAG 2.2 SC 2.3.1).",
    )(function)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="haven")
def main() -> None:
    """Haven: trust, safety and well-being checks for short video.

    Scan a video for photosensitivity hazards, see which treatments the policy gives it, and
    make a safer rendition. Bad input exits with status 2 and a one-line error.
    """


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@_profile_option
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(path_type=Path),
    help="Policy file (YAML) instead of the default policy shipped with Haven.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (see schemas/).")
@click.option(
    "--vtt",
    type=click.Path(path_type=Path),
    help="Also write the photosensitivity cues as a WebVTT file.",
)
@click.option("--no-patterns", is_flag=True, help="Skip regular-pattern detection (faster).")
@click.option("--no-loop", is_flag=True, help="Do not judge the seam of a looping video.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def scan(
    file: Path,
    profile: str,
    policy_file: Path | None,
    as_json: bool,
    vtt: Path | None,
    no_patterns: bool,
    no_loop: bool,
    quiet: bool,
) -> None:
    """Scan FILE and print what was found and what the platform should do.

    The report lists flashing, red-flash and pattern segments (start and end in seconds, peak
    flashes per second, area, where in the picture), the verdict (pass, warning or fail) and
    the treatments with the rule and evidence behind each.
    """
    if vtt is not None and not vtt.parent.is_dir():
        _fail(InputError(f"{vtt}: the folder {vtt.parent} does not exist"))
    progress = _Progress(quiet, "scanning")
    try:
        registry = default_registry()
        policy = load_policy(policy_file, known_signals=registry.signal_kinds())
        analyzer = registry.create(
            "photosensitivity", profile=profile, patterns=not no_patterns, loop=not no_loop
        )
        result = run_scan(file, [analyzer], policy, progress=progress)
    except HavenError as exc:
        progress.close()
        _fail(exc)
    progress.close()
    report = build_report(result)
    if vtt is not None:
        try:
            vtt.write_text(report["analyzers"]["photosensitivity"]["webvtt"], encoding="utf-8")
        except OSError as exc:
            _fail(InputError(f"{vtt}: cannot write the cues ({exc.strerror})"))
    if as_json:
        click.echo(json.dumps(report, indent=2))
    else:
        click.echo(render_text(report))


@main.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.argument("output", type=click.Path(path_type=Path))
@_profile_option
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def mitigate(source: Path, output: Path, profile: str, quiet: bool) -> None:
    """Write OUTPUT: SOURCE with only its hazardous segments attenuated.

    Flashes are pulled towards the local adaptation level and patterns blurred, inside the
    segments only; the output is analysed again and the command exits 1 if it still fails.
    """
    progress = _Progress(quiet, "mitigating")
    try:
        outcome = mitigate_photosensitivity(source, output, profile=profile, progress=progress)
    except HavenError as exc:
        progress.close()
        _fail(exc)
    progress.close()
    click.echo(outcome.summary())
    if not outcome.passes:
        sys.exit(EXIT_NOT_PASSING)


@main.command()
@click.argument("output", type=click.Path(path_type=Path))
@click.option("--duration", type=click.FloatRange(1, 60), default=6.0, show_default=True)
def sample(output: Path, duration: float) -> None:
    """Write a generated sample clip (a 5 Hz flash from 2 s to 4 s) to OUTPUT."""
    write_demo_clip(output, duration=duration)
    click.echo(f"wrote {output}")


if __name__ == "__main__":
    main()
