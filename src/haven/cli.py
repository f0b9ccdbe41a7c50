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
from haven.captions import CaptionTrack, to_srt, to_webvtt
from haven.cli_banks import bank as bank_group
from haven.cli_banks import matcher_for_scan
from haven.cli_privacy import privacy
from haven.cli_service import keys, serve, staff, webhooks, worker
from haven.cli_store import audit, db
from haven.cli_transparency import report as report_group
from haven.cli_transparency import statements
from haven.errors import HavenError, InputError
from haven.media.synth import write_demo_clip
from haven.mitigation import mitigate_photosensitivity
from haven.pipeline import analyse, check_texts
from haven.pipeline import scan as run_scan
from haven.policy import load_policy
from haven.policy.comments import CreatorFilters
from haven.report import build_report, render_text
from haven.runtime import external_options
from haven.settings import load_settings
from haven.signals import default_registry
from haven.signals.claims.bank import bank, import_claim_reviews
from haven.signals.photosensitivity.profiles import DEFAULT_PROFILE, load_profiles
from haven.signals.speech.models import MODELS as SPEECH_MODELS
from haven.signals.text.analyzer import SURFACES, TextItem
from haven.signals.text.classify import MAX_TEXT_CHARACTERS, language_code

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


def _speech_options(function: Callable[..., Any]) -> Callable[..., Any]:
    function = click.option(
        "--language",
        metavar="CODE",
        help="Language of the speech as an ISO 639-1 code (en, es...); detected if not given.",
    )(function)
    return click.option(
        "--model",
        "speech_model",
        type=click.Choice(sorted(SPEECH_MODELS)),
        default="base",
        show_default=True,
        help="Speech model: base (Whisper base, multilingual) or fast (Whisper tiny.en, English"
        " only, about twice as fast).",
    )(function)


ANALYZER_NAMES = (
    "photosensitivity",
    "speech",
    "ocr",
    "text",
    "claims",
    "hashes",
    "imagery",
    "external",
)


def _analyzer_list(value: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = sorted(set(names) - set(ANALYZER_NAMES))
    if unknown or not names:
        raise click.BadParameter(
            f"unknown analyzer(s) {', '.join(unknown) or '(none given)'};"
            f" choose from {', '.join(ANALYZER_NAMES)}"
        )
    return list(dict.fromkeys(names))


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
@_speech_options
@click.option(
    "--analyzers",
    "analyzer_names",
    default=",".join(ANALYZER_NAMES),
    show_default=True,
    help="Comma-separated analyzers to run.",
)
@click.option(
    "--caption",
    help="The caption the creator wrote; the text analyzer reads it with the transcript and"
    " the on-screen text.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def scan(
    file: Path,
    profile: str,
    policy_file: Path | None,
    as_json: bool,
    vtt: Path | None,
    no_patterns: bool,
    no_loop: bool,
    speech_model: str,
    language: str | None,
    analyzer_names: str,
    caption: str | None,
    quiet: bool,
) -> None:
    """Scan FILE and print what was found and what the platform should do.

    The report lists flashing, red-flash and pattern segments (start and end in seconds, peak
    flashes per second, area, where in the picture), the verdict (pass, warning or fail), the
    transcript and captions of the speech, the on-screen text, and the treatments with the rule
    and evidence behind each. An audio-only FILE gets the speech analysis only.
    """
    try:
        names = _analyzer_list(analyzer_names)
    except click.BadParameter as exc:
        _fail(InputError(f"--analyzers: {exc.message}"))
    options: dict[str, dict[str, Any]] = {
        "photosensitivity": {"profile": profile, "patterns": not no_patterns, "loop": not no_loop},
        "speech": {"model": speech_model, "language": language},
        "ocr": {},
        "text": {"language": language or "en"},
        "claims": {},
        "hashes": {},
        "imagery": {},
        "external": {},
    }
    if vtt is not None and not vtt.parent.is_dir():
        _fail(InputError(f"{vtt}: the folder {vtt.parent} does not exist"))
    progress = _Progress(quiet, "scanning")
    try:
        registry = default_registry()
        policy = load_policy(policy_file, known_signals=registry.signal_kinds())
        settings = load_settings()
        if "hashes" in names:
            options["hashes"]["matcher"] = matcher_for_scan(settings)
        options["external"] = external_options(settings)
        analyzers = [registry.create(name, **options[name]) for name in names]
        result = run_scan(file, analyzers, policy, caption=caption, progress=progress)
    except HavenError as exc:
        progress.close()
        _fail(exc)
    progress.close()
    report = build_report(result)
    photosensitivity = report["analyzers"].get("photosensitivity", {})
    if vtt is not None and "webvtt" in photosensitivity:
        try:
            vtt.write_text(photosensitivity["webvtt"], encoding="utf-8")
        except OSError as exc:
            _fail(InputError(f"{vtt}: cannot write the cues ({exc.strerror})"))
    if as_json:
        click.echo(json.dumps(report, indent=2))
    else:
        click.echo(render_text(report))


CAPTION_WRITERS: dict[str, Callable[[CaptionTrack], str]] = {".vtt": to_webvtt, ".srt": to_srt}


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="Caption file to write: .vtt (WebVTT) or .srt (SubRip).",
)
@_speech_options
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def captions(
    file: Path, output: Path, speech_model: str, language: str | None, quiet: bool
) -> None:
    """Write captions for the speech in FILE (a video or an audio file).

    Cues follow common caption style: at most 42 characters a line and 2 lines a cue, 1 to 7
    seconds each, never across a long pause, broken at sentence or clause ends. With no speech
    in FILE, no file is written and the command exits 1.
    """
    writer = CAPTION_WRITERS.get(output.suffix.lower())
    if writer is None:
        _fail(InputError(f"{output}: caption files end in .vtt (WebVTT) or .srt (SubRip)"))
    if not output.parent.is_dir():
        _fail(InputError(f"{output}: the folder {output.parent} does not exist"))
    progress = _Progress(quiet, "transcribing")
    try:
        analyzer = default_registry().create("speech", model=speech_model, language=language)
        _, outputs = analyse(file, [analyzer], progress=progress)
    except HavenError as exc:
        progress.close()
        _fail(exc)
    progress.close()
    speech = outputs["speech"]
    track: CaptionTrack = speech.artifacts["captions"]
    if not track.cues:
        click.echo(f"haven: {speech.report['summary']}; {output} not written", err=True)
        sys.exit(EXIT_NOT_PASSING)
    try:
        output.write_text(writer(track), encoding="utf-8")
    except OSError as exc:
        _fail(InputError(f"{output}: cannot write the captions ({exc.strerror})"))
    click.echo(f"wrote {len(track.cues)} cues to {output} ({speech.report['summary']})")


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


# Texts are classified in batches of this many: one embedding pass each.
TEXT_BATCH = 256


def _jsonl_items(
    path: Path, surface: str, language: str
) -> tuple[list[tuple[int, TextItem, str] | tuple[int, None, str]], int]:
    """(line number, item, language) per non-empty line, or (line, None, error)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        _fail(InputError(f"{path}: cannot read ({exc.strerror})"))
    entries: list[tuple[int, TextItem, str] | tuple[int, None, str]] = []
    errors = 0
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw.decode("utf-8"))
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise ValueError("each line must be a JSON object with a string 'text'")
            try:
                record["text"].encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("the text is not valid Unicode (a lone surrogate)") from None
            if len(record["text"]) > MAX_TEXT_CHARACTERS:
                raise ValueError(
                    f"text of {len(record['text']):,} characters is longer than the"
                    f" {MAX_TEXT_CHARACTERS:,} Haven classifies"
                )
            item = TextItem(
                record["text"],
                str(record.get("surface") or surface),
                id=None if record.get("id") is None else str(record["id"]),
            )
            entries.append((number, item, language_code(str(record.get("language") or language))))
        except UnicodeDecodeError as exc:
            entries.append((number, None, f"line {number} is not valid UTF-8 ({exc.reason})"))
            errors += 1
        except (ValueError, InputError) as exc:
            entries.append((number, None, f"line {number}: {exc}"))
            errors += 1
    return entries, errors


@main.command("text")
@click.argument("text", required=False)
@click.option(
    "--surface",
    type=click.Choice(SURFACES),
    default="comment",
    show_default=True,
    help="Where the text appears; it decides what the policy does (block a comment, show"
    " helplines for a search...).",
)
@click.option("--language", default="en", show_default=True, help="ISO 639-1 code.")
@click.option(
    "--jsonl",
    type=click.Path(path_type=Path),
    help="Read one JSON object a line (id, text, surface, language) instead of TEXT.",
)
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(path_type=Path),
    help="Policy file (YAML) instead of the default policy shipped with Haven.",
)
@click.option(
    "--country",
    metavar="CC",
    help="The person's country (ISO 3166-1 alpha-2): which helplines a search shows.",
)
@click.option("--minor", is_flag=True, help="The person is under 18: youth lines come first.")
@click.option("--hold-all", is_flag=True, help="Creator filter: hold every comment for approval.")
@click.option(
    "--filter-offensive", is_flag=True, help="Creator filter: hold spam and offensive comments."
)
@click.option(
    "--keyword", "keywords", multiple=True, help="Creator filter: hold comments with this word."
)
def text_command(
    text: str | None,
    surface: str,
    language: str,
    jsonl: Path | None,
    policy_file: Path | None,
    country: str | None,
    minor: bool,
    hold_all: bool,
    filter_offensive: bool,
    keywords: tuple[str, ...],
) -> None:
    """Check TEXT (or every line of --jsonl) for harm; print one JSON object per input.

    Each object has the input's id, a score per harm category, what was flagged with the
    spans that triggered it and the stage that decided, the treatments with their reasons,
    and the decision for the surface (comment: allow, nudge, hold or block; search: allow or
    intervene; caption: allow, label, review or restrict). Lines that cannot be read get an
    object with their error; the command then exits 2 after the others are done.
    """
    if (text is None) == (jsonl is None):
        _fail(InputError("give either TEXT or --jsonl FILE"))
    try:
        policy = load_policy(policy_file, known_signals=default_registry().signal_kinds())
        filters = CreatorFilters(hold_all, filter_offensive, keywords)
        if jsonl is None:
            entries: list = [(1, TextItem(text or "", surface, id="1"), language)]
            errors = 0
        else:
            entries, errors = _jsonl_items(jsonl, surface, language)
        for first in range(0, len(entries), TEXT_BATCH):
            batch = entries[first : first + TEXT_BATCH]
            answers: dict[int, dict[str, object]] = {}
            by_language: dict[str, list[tuple[int, TextItem]]] = {}
            for number, item, extra in batch:
                if item is None:
                    answers[number] = {"line": number, "error": extra}
                else:
                    by_language.setdefault(extra, []).append((number, item))
            for lang, members in by_language.items():
                checks = check_texts(
                    [item for _, item in members], policy, lang, country=country, minor=minor
                )
                for (number, item), check in zip(members, checks, strict=True):
                    answer = check.as_dict()
                    if item.surface == "comment":
                        flagged = [str(f["category"]) for f in check.flagged]
                        answer["decision"], answer["filters"] = filters.apply(
                            item.text, check.decision, flagged
                        )
                    answers[number] = answer
            for number, _, _ in batch:
                click.echo(json.dumps(answers[number], ensure_ascii=False))
    except HavenError as exc:
        _fail(exc)
    except ValueError as exc:
        _fail(InputError(str(exc)))
    if errors:
        click.echo(f"haven: {errors} line(s) could not be read", err=True)
        sys.exit(EXIT_BAD_INPUT)


@main.group()
def claims() -> None:
    """The bank of fact-checked claims that texts are matched against."""


@claims.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def claims_import(files: tuple[Path, ...]) -> None:
    """Add the schema.org ClaimReview records of FILES (JSON-LD) to the bank.

    Every file is checked first; a bad record changes nothing.
    """
    try:
        added, known = import_claim_reviews(files)
    except HavenError as exc:
        _fail(exc)
    click.echo(f"imported {added} fact-check(s); {known} already in the bank")


@claims.command("list")
def claims_list() -> None:
    """Print the bank, one JSON object a line."""
    for fact_check in bank():
        click.echo(json.dumps(fact_check.as_dict(), ensure_ascii=False))


@main.command()
@click.argument("output", type=click.Path(path_type=Path))
@click.option("--duration", type=click.FloatRange(1, 60), default=6.0, show_default=True)
def sample(output: Path, duration: float) -> None:
    """Write a generated sample clip (a 5 Hz flash from 2 s to 4 s) to OUTPUT."""
    write_demo_clip(output, duration=duration)
    click.echo(f"wrote {output}")


main.add_command(db)
main.add_command(bank_group)
main.add_command(audit)
main.add_command(worker)
main.add_command(serve)
main.add_command(keys)
main.add_command(staff)
main.add_command(webhooks)
main.add_command(privacy)
main.add_command(statements)
main.add_command(report_group)

if __name__ == "__main__":
    main()
