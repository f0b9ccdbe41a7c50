"""What a reviewer is shown of the stored evidence: the scan report of a video (flash
segments, transcript and captions, on-screen text, text findings, every signal) or the text
check of a text, turned into plain rows for the templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from haven.taxonomy import UnknownCategory, category


@dataclass(frozen=True)
class Piece:
    """A run of text; ``flagged`` runs are the spans that triggered a finding."""

    text: str
    flagged: bool = False


@dataclass(frozen=True)
class TimedText:
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class FlashSegment:
    start: float
    end: float
    kind: str
    severity: str
    peak_flashes_per_second: float


@dataclass(frozen=True)
class TextFinding:
    surface: str
    category: str
    score: float
    stage: str
    pieces: list[Piece]


@dataclass(frozen=True)
class SignalRow:
    analyzer: str
    kind: str
    confidence: float
    time_range: str
    details: str


@dataclass
class CaseEvidence:
    """Everything the case page shows of an analysis; empty when there was none."""

    duration: float | None = None
    media_summary: str = ""
    photosensitivity_verdict: str | None = None
    flash_segments: list[FlashSegment] = field(default_factory=list)
    transcript: str | None = None
    captions: list[TimedText] = field(default_factory=list)
    on_screen: list[TimedText] = field(default_factory=list)
    text_findings: list[TextFinding] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    signals: list[SignalRow] = field(default_factory=list)
    treatments: list[dict[str, Any]] = field(default_factory=list)

    @property
    def has_captions(self) -> bool:
        return bool(self.captions)


def highlight(text: str, spans: list[dict[str, Any]]) -> list[Piece]:
    """``text`` cut into pieces, the given ``[start, end)`` character spans marked."""
    pieces: list[Piece] = []
    at = 0
    for span in sorted(spans, key=lambda s: (int(s["start"]), -int(s["end"]))):
        start, end = max(int(span["start"]), at), min(int(span["end"]), len(text))
        if start >= end:
            continue  # overlaps a span already marked, or lies outside the text
        if start > at:
            pieces.append(Piece(text[at:start]))
        pieces.append(Piece(text[start:end], flagged=True))
        at = end
    if at < len(text):
        pieces.append(Piece(text[at:]))
    return pieces


def _category_name(category_id: str) -> str:
    try:
        return category(category_id).name
    except UnknownCategory:
        return category_id


def clock(seconds: float | None) -> str:
    """Seconds as the console writes times: ``1:05.3``."""
    if seconds is None:
        return ""
    minutes, secs = divmod(float(seconds), 60)
    return f"{int(minutes)}:{secs:04.1f}"


def _details(attributes: dict[str, Any]) -> str:
    shown = []
    for key, value in attributes.items():
        if isinstance(value, dict | list) or value in (None, ""):
            continue
        shown.append(f"{key}={value}")
    return ", ".join(shown)


def _signal_row(signal: dict[str, Any]) -> SignalRow:
    time_range = signal.get("time_range")
    span = f"{clock(time_range['start'])}–{clock(time_range['end'])}" if time_range else ""
    return SignalRow(
        analyzer=str(signal.get("analyzer", "")),
        kind=str(signal["kind"]),
        confidence=float(signal.get("confidence", 0.0)),
        time_range=span,
        details=_details(signal.get("attributes", {})),
    )


def _treatments(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"name": t["name"], "rule": t.get("rule", ""), "reason": t.get("reason", "")} for t in raw
    ]


def from_scan_report(report: dict[str, Any]) -> CaseEvidence:
    media = report.get("media", {})
    evidence = CaseEvidence(
        duration=media.get("duration"), treatments=_treatments(report.get("treatments", []))
    )
    if media.get("has_video"):
        evidence.media_summary = (
            f"{media['display_width']}×{media['display_height']} {media['video_codec']},"
            f" {media['duration']:.1f} s" + ("" if media.get("has_audio") else ", no sound")
        )
    elif media:
        evidence.media_summary = f"audio only, {media.get('duration', 0):.1f} s"
    analyzers: dict[str, Any] = report.get("analyzers", {})
    photo = analyzers.get("photosensitivity", {})
    evidence.photosensitivity_verdict = photo.get("verdict")
    evidence.flash_segments = [
        FlashSegment(s["start"], s["end"], s["kind"], s["severity"], s["peak_flashes_per_second"])
        for s in photo.get("segments", [])
    ]
    speech = analyzers.get("speech", {})
    evidence.transcript = speech.get("transcript") or None
    evidence.captions = [
        TimedText(c["start"], c["end"], "\n".join(c["lines"])) for c in speech.get("captions", [])
    ]
    for name, section in analyzers.items():
        for signal in section.get("signals", []):
            evidence.signals.append(_signal_row(signal))
            found = signal.get("evidence") or {}
            if signal["kind"] == "ocr.text" and signal.get("time_range"):
                span = signal["time_range"]
                evidence.on_screen.append(
                    TimedText(span["start"], span["end"], found.get("text", ""))
                )
            elif signal["kind"] == "text.harm":
                attributes = signal["attributes"]
                evidence.text_findings.append(
                    TextFinding(
                        surface=str(attributes.get("surface", "")),
                        category=str(
                            attributes.get("category_name")
                            or _category_name(attributes["category"])
                        ),
                        score=float(attributes["score"]),
                        stage=str(attributes.get("stage", "")),
                        pieces=highlight(found.get("text", ""), found.get("spans", [])),
                    )
                )
            elif signal["kind"] == "claims.match":
                evidence.claims.append({**signal.get("attributes", {}), "name": name})
    return evidence


def from_text_check(check: dict[str, Any], text: str) -> CaseEvidence:
    evidence = CaseEvidence(treatments=_treatments(check.get("treatments", [])))
    surface = str(check.get("surface", ""))
    for flagged in check.get("flagged", []):
        evidence.text_findings.append(
            TextFinding(
                surface=surface,
                category=_category_name(str(flagged["category"])),
                score=float(flagged["score"]),
                stage=str(flagged.get("stage", "")),
                pieces=highlight(text, flagged.get("spans", [])),
            )
        )
    evidence.claims = list(check.get("claims", []))
    return evidence


def case_evidence(report: dict[str, Any] | None, text: str | None) -> CaseEvidence:
    if report is None:
        return CaseEvidence()
    if "analyzers" in report:
        return from_scan_report(report)
    return from_text_check(report, text or "")


def _vtt_time(seconds: float) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{int(hours):02d}:{int(minutes):02d}:{secs:06.3f}"


def captions_vtt(evidence: CaseEvidence) -> str:
    """The transcript's captions as a WebVTT track for the console's player."""
    cues = [
        f"{_vtt_time(c.start)} --> {_vtt_time(c.end)}\n{c.text.replace('-->', '→')}"
        for c in evidence.captions
    ]
    return "WEBVTT\n\n" + "\n\n".join(cues) + ("\n" if cues else "")
