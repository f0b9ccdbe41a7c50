"""A bank of fact-checked claims, imported from schema.org ClaimReview records.

Fact-checkers publish ClaimReview JSON-LD (Google's Fact Check Tools, the Duke Reporters' Lab
feed, a publisher's own pages): ``claimReviewed`` (the claim), ``reviewRating`` (the verdict,
as the publisher words it in ``alternateName`` and as a number between ``worstRating`` and
``bestRating``), ``url`` (the article) and ``author`` (the publisher). Haven keeps each as a
``FactCheck`` with the rating turned into one of four verdicts the policy acts on:

* ``false``: false, fake, pants on fire, incorrect...;
* ``misleading``: misleading, missing context, partly false, half true, mixture...;
* ``unverified``: unproven, unverified, unsupported, inconclusive, no evidence...;
* ``true``: true, correct, accurate (never acted on).

The bank is the shipped seed bank (``seed-bank.jsonld``) plus what an operator imports with
``haven claims import FILE`` (kept in ``$HAVEN_DATA_DIR/claims/bank.json``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from haven.datadir import data_dir
from haven.errors import InputError

VERDICT_WORDS = (
    ("misleading", ("misleading", "satire", "missing context", "partly false", "partially false",
                    "half true", "half-true", "mixture", "exaggerat", "out of context",
                    "distort", "cherry")),
    ("unverified", ("unproven", "unverified", "unsupported", "inconclusive", "no evidence",
                    "unsubstantiated", "not proven", "lacks evidence")),
    ("false", ("false", "fake", "pants on fire", "incorrect", "wrong", "hoax", "baseless",
               "fabricated", "not true", "untrue", "inaccurate", "not accurate", "not correct",
               "debunked", "scam", "fiction", "no fraud", "not endorsed", "pinocchio",
               "unfounded", "altered", "manipulated", "doctored")),
    ("true", ("true", "correct", "accurate")),
)  # fmt: skip
VERDICTS = ("false", "misleading", "unverified", "true")


class ClaimReviewError(InputError):
    code = "bad_claim_review"


@dataclass(frozen=True)
class FactCheck:
    claim: str
    verdict: str
    rating: str
    url: str
    publisher: str
    date: str | None = None
    topic: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def verdict_of(rating: dict[str, Any]) -> str:
    """One of VERDICTS from a ClaimReview ``reviewRating``."""
    words = str(rating.get("alternateName") or "").casefold()
    for verdict, cues in VERDICT_WORDS:
        if any(cue in words for cue in cues):
            return verdict
    try:
        value = float(rating["ratingValue"])
        worst = float(rating.get("worstRating", 1))
        best = float(rating.get("bestRating", 5))
    except (KeyError, TypeError, ValueError):
        raise ClaimReviewError(
            f"rating {rating!r} has neither a recognisable name nor a numeric value"
        ) from None
    if best == worst:
        raise ClaimReviewError(f"rating {rating!r} has bestRating equal to worstRating")
    share = (value - worst) / (best - worst)
    return "false" if share < 0.34 else "misleading" if share < 0.67 else "true"


def from_claim_review(record: Any, where: str) -> FactCheck:
    if not isinstance(record, dict) or record.get("@type") != "ClaimReview":
        raise ClaimReviewError(f"{where}: not a schema.org ClaimReview object")
    claim = record.get("claimReviewed")
    url = record.get("url")
    rating = record.get("reviewRating")
    if not isinstance(claim, str) or not claim.strip():
        raise ClaimReviewError(f"{where}: claimReviewed is missing")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise ClaimReviewError(f"{where}: url is missing or not a web address")
    if not isinstance(rating, dict):
        raise ClaimReviewError(f"{where}: reviewRating is missing")
    author = record.get("author") or {}
    if isinstance(author, list):
        author = author[0] if author else {}
    publisher = str(author.get("name") or "") if isinstance(author, dict) else str(author)
    try:
        verdict = verdict_of(rating)
    except ClaimReviewError as exc:
        raise ClaimReviewError(f"{where}: {exc}") from exc
    return FactCheck(
        claim=claim.strip(),
        verdict=verdict,
        rating=str(rating.get("alternateName") or rating.get("ratingValue")),
        url=url,
        publisher=publisher or "unknown publisher",
        date=record.get("datePublished"),
        topic=record.get("topic"),
    )


def parse_claim_reviews(text: str, source: str) -> list[FactCheck]:
    """ClaimReview records from JSON-LD: one object, an array, or an ``@graph``."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ClaimReviewError(f"{source}: not JSON ({exc})") from exc
    if isinstance(data, dict) and "@graph" in data:
        data = data["@graph"]
    records = data if isinstance(data, list) else [data]
    if not records:
        raise ClaimReviewError(f"{source}: no ClaimReview records")
    return [from_claim_review(r, f"{source} record {i + 1}") for i, r in enumerate(records)]


def seed_bank() -> list[FactCheck]:
    return list(_seed_bank())


@cache
def _seed_bank() -> tuple[FactCheck, ...]:
    text = resources.files("haven.signals.claims").joinpath("seed-bank.jsonld").read_text("utf-8")
    return tuple(parse_claim_reviews(text, "seed-bank.jsonld"))


def imported_path() -> Path:
    return data_dir() / "claims" / "bank.json"


def imported() -> list[FactCheck]:
    path = imported_path()
    if not path.is_file():
        return []
    stat = path.stat()
    return list(_imported(path, stat.st_size, stat.st_mtime_ns))


@cache
def _imported(path: Path, size: int, modified: int) -> tuple[FactCheck, ...]:
    """The imported bank, read again only when the file changes (size or time)."""
    try:
        return tuple(FactCheck(**record) for record in json.loads(path.read_text("utf-8")))
    except (ValueError, TypeError) as exc:
        raise ClaimReviewError(
            f"{path}: the imported fact-check bank is damaged ({exc}); restore it or delete it"
            " and import the ClaimReview files again",
            path=str(path),
        ) from exc


def import_claim_reviews(paths: Iterable[Path]) -> tuple[int, int]:
    """Add the records of ClaimReview files to the imported bank; (added, already there).

    Every file is read and checked before anything is written: one bad record changes nothing.
    """
    incoming: list[FactCheck] = []
    for path in paths:
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ClaimReviewError(f"{path}: cannot read ({exc})") from exc
        incoming += parse_claim_reviews(text, str(path))
    current = imported()
    known = {(f.url, f.claim) for f in current}
    added = []
    for fact_check in incoming:
        if (fact_check.url, fact_check.claim) not in known:
            known.add((fact_check.url, fact_check.claim))
            added.append(fact_check)
    target = imported_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    # A private temporary name, then a rename: a reader never sees half a bank. Imports are
    # an operator's action; two run at once may still lose one's additions (last one wins).
    temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    temporary.write_text(
        json.dumps([f.as_dict() for f in current + added], indent=1, ensure_ascii=False),
        encoding="utf-8",
    )
    temporary.replace(target)
    return len(added), len(incoming) - len(added)


def bank() -> list[FactCheck]:
    """The seed bank and the imported records, without duplicates."""
    seen: set[tuple[str, str]] = set()
    out = []
    for fact_check in seed_bank() + imported():
        key = (fact_check.url, fact_check.claim)
        if key not in seen:
            seen.add(key)
            out.append(fact_check)
    return out
