"""The scan pipeline: one decode pass feeds every analyzer, then the policy decides.

    media (decode once) -> analyzers (signals) -> policy (treatments with reasons)

The command line and, later, the service call ``scan``; neither decodes or judges on its own.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from haven.media import AudioChunk, AudioOnly, AudioRequest, FrameRequest, MediaInfo, MediaSource
from haven.media.prefetch import prefetch
from haven.policy import Policy, Treatment, evaluate
from haven.policy.decisions import decide
from haven.signals import Analyzer, AnalyzerOutput, InputKind, Signal
from haven.signals.base import TextReader
from haven.signals.claims.analyzer import ClaimsAnalyzer
from haven.signals.registry import check_declared_inputs
from haven.signals.text.analyzer import TextAnalyzer, TextItem, items_from_signals
from haven.signals.text.classify import language_code
from haven.wellbeing.helplines import helplines_for
from haven.wellbeing.hubs import hub

# progress(seconds_done, seconds_total)
ProgressCallback = Callable[[float, float], None]


@dataclass
class ScanResult:
    path: Path
    sha256: str
    size_bytes: int
    media: MediaInfo
    outputs: dict[str, AnalyzerOutput]
    analyzers: dict[str, dict[str, object]]
    treatments: list[Treatment]
    policy: Policy
    elapsed_seconds: float
    signals: list[Signal] = field(default_factory=list)


def _namespaced(analyzer: Analyzer, request: FrameRequest) -> FrameRequest:
    return FrameRequest(
        f"{analyzer.name}/{request.key}",
        request.long_side,
        request.pixel_format,
        request.min_interval,
    )


def _runnable(
    analyzers: Sequence[Analyzer], media: MediaInfo, path: Path
) -> tuple[list[Analyzer], dict[str, str]]:
    """The analyzers this file has input for; audio files skip the video analyzers."""
    if media.has_video:
        return list(analyzers), {}
    runnable = [a for a in analyzers if InputKind.VIDEO_FRAMES not in a.inputs]
    skipped = {a.name: "the file has no video stream" for a in analyzers if a not in runnable}
    if not runnable:
        raise AudioOnly(
            f"{path}: audio only; there is no video stream for {', '.join(skipped)}",
            path=str(path),
        )
    return runnable, skipped


def analyse(
    path: str | Path,
    analyzers: Sequence[Analyzer],
    *,
    progress: ProgressCallback | None = None,
) -> tuple[MediaInfo, dict[str, AnalyzerOutput]]:
    """Decode ``path`` once and run every analyzer that has input in it.

    An analyzer the file has no input for (a video analyzer on an audio file) gets an output
    with no signals whose report says ``skipped`` and why.
    """
    names = [a.name for a in analyzers]
    if len(set(names)) != len(names):
        raise ValueError(f"each analyzer may run once per scan, got {names}")
    for analyzer in analyzers:
        check_declared_inputs(analyzer)
        if not analyzer.inputs & {InputKind.VIDEO_FRAMES, InputKind.AUDIO}:
            raise ValueError(f"{analyzer.name} reads no media; scan() runs it on the texts")
    with MediaSource(path) as source:
        if not analyzers:
            return source.info, {}
        analyzers, skipped = _runnable(analyzers, source.info, Path(path))
        requests: list[FrameRequest] = []
        routes: dict[str, list[tuple[str, str]]] = {}
        for analyzer in analyzers:
            for request in analyzer.frame_requests():
                full = _namespaced(analyzer, request)
                requests.append(full)
                routes.setdefault(analyzer.name, []).append((full.key, request.key))
        audio_requests = [a.audio_request() for a in analyzers if a.audio_request() is not None]
        audio: AudioRequest | None = audio_requests[0] if audio_requests else None
        if len(set(audio_requests)) > 1:
            raise ValueError("analyzers asked for audio in different formats")
        runs = {a.name: a.start(source.info) for a in analyzers}
        listeners_audio = [runs[a.name] for a in analyzers if a.audio_request() is not None]
        total = source.info.declared_duration or 0.0
        for item in prefetch(source.decode(requests, audio)):
            if isinstance(item, AudioChunk):
                for run in listeners_audio:
                    run.on_audio(item)
                if not source.info.has_video and progress is not None:
                    progress(item.time, total)
                continue
            shared = item.images
            for name, run in runs.items():
                item.images = {
                    mine: shared[full] for full, mine in routes.get(name, ()) if full in shared
                }
                run.on_frame(item)
            if progress is not None:
                progress(item.time, total)
        outputs = {name: run.finish() for name, run in runs.items()}
        for name, reason in skipped.items():
            outputs[name] = AnalyzerOutput(signals=[], report={"skipped": reason})
        return source.info, outputs


def file_digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def scan(
    path: str | Path,
    analyzers: Sequence[Analyzer],
    policy: Policy,
    *,
    caption: str | None = None,
    progress: ProgressCallback | None = None,
) -> ScanResult:
    """Analyse a file and evaluate the policy on its signals.

    Media analyzers share one decode pass; then the text analyzers read the creator's
    ``caption`` and the texts the media analyzers found (transcript, on-screen text).
    """
    began = time.perf_counter()
    path = Path(path)
    media_analyzers = [a for a in analyzers if not isinstance(a, TextReader)]
    text_analyzers = [a for a in analyzers if isinstance(a, TextReader)]
    media, outputs = analyse(path, media_analyzers, progress=progress)
    found = [signal for output in outputs.values() for signal in output.signals]
    items = ([TextItem(caption, "caption")] if caption and caption.strip() else []) + (
        items_from_signals(found)
    )
    for analyzer in text_analyzers:
        outputs[analyzer.name] = analyzer.analyze_texts(items)
    sha256, size = file_digest(path)
    signals = [signal for output in outputs.values() for signal in output.signals]
    treatments = evaluate(policy, signals)
    return ScanResult(
        path=path,
        sha256=sha256,
        size_bytes=size,
        media=media,
        outputs=outputs,
        analyzers={a.name: {"version": a.version, **a.describe()} for a in analyzers},
        treatments=treatments,
        policy=policy,
        elapsed_seconds=time.perf_counter() - began,
        signals=signals,
    )


@dataclass
class TextCheck:
    """The answer for one text: its category scores, what was flagged, the treatments and the
    surface's decision (see ``haven.policy.decisions``)."""

    item: TextItem
    language: str
    scores: dict[str, float]
    flagged: list[dict[str, object]]
    treatments: list[Treatment]
    decision: str
    notes: list[str]
    resources: dict[str, object] = field(default_factory=dict)
    claims: list[dict[str, object]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.item.id,
            "surface": self.item.surface,
            "language": self.language,
            "categories": self.scores,
            "flagged": self.flagged,
            "decision": self.decision,
            "claims": self.claims,
            "treatments": [
                {"name": t.name, "rule": t.rule, "reason": t.reason, "params": t.params}
                for t in self.treatments
            ],
            "resources": self.resources,
            "notes": self.notes,
        }


def _resources(
    treatments: Sequence[Treatment], country: str | None, minor: bool
) -> dict[str, object]:
    """What the treatments point people to: helplines for the country, resource hubs.

    Suicide and self-harm lines come first when several topics apply.
    """
    topics: list[str] = []
    hubs: list[dict[str, object]] = []
    for treatment in treatments:
        wanted = treatment.params.get("resources")
        if wanted == "helplines":
            topics.insert(0, "self_harm_suicide")
        elif wanted == "eating_disorder_support":
            topics.append("eating_disorders")
            hubs.append(hub("eating_disorder_support").as_dict())
        if treatment.name == "info_banner" and treatment.params.get("hub"):
            hubs.append(hub(str(treatment.params["hub"])).as_dict())
    out: dict[str, object] = {}
    if topics:
        answers = [helplines_for(country, topic, minor=minor) for topic in topics]
        merged = answers[0].as_dict()
        seen = {h["id"] for h in merged["helplines"]}
        for answer in answers[1:]:
            extra = [h.as_dict() for h in answer.helplines if h.id not in seen]
            merged["helplines"] += extra
            seen |= {h["id"] for h in extra}
        out["helplines"] = merged
    if hubs:
        out["hubs"] = list({h["id"]: h for h in hubs}.values())
    return out


def check_texts(
    items: Sequence[TextItem],
    policy: Policy,
    language: str = "en",
    *,
    country: str | None = None,
    minor: bool = False,
) -> list[TextCheck]:
    """Classify texts of one language in a batch and decide each with the policy.

    ``country`` (ISO 3166-1 alpha-2) and ``minor`` choose the helplines a search intervention
    shows."""
    language = language_code(language)
    output = TextAnalyzer(language).analyze_texts(items)
    claims = ClaimsAnalyzer().analyze_texts(items) if language == "en" else None
    checks = []
    for index, (item, item_report) in enumerate(zip(items, output.report["items"], strict=True)):
        signals = list(output.artifacts["per_item"][index])
        matches = claims.artifacts["per_item"][index] if claims else []
        treatments = evaluate(policy, [*signals, *matches])
        checks.append(
            TextCheck(
                item=item,
                language=language,
                scores=item_report["scores"],
                flagged=item_report["flagged"],
                treatments=treatments,
                decision=decide(item.surface, treatments),
                notes=item_report["notes"],
                resources=_resources(treatments, country, minor),
                claims=[{**dict(m.attributes), **dict(m.evidence)} for m in matches],
            )
        )
    return checks
