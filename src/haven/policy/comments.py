"""A creator's comment filters, applied after the policy's own decision, and bulk actions.

The filters are the three TikTok gives creators (see ``../shared/reference/wellbeing-youth.md``,
"Comments"): hold every comment for approval; filter spam and offensive comments; filter
comments with words of the creator's own list. A filter can only make a decision stricter:
it turns ``allow`` or ``nudge`` into ``hold``; a blocked comment stays blocked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from haven.errors import InputError
from haven.signals.text.normalise import normalise

OFFENSIVE_OR_SPAM = frozenset(
    {"spam_scams", "profanity", "harassment_bullying", "hate_speech", "sexual_content"}
)
MAX_KEYWORDS = 500
MAX_BULK = 100
BULK_ACTIONS = ("delete", "report", "block_author", "approve")


class CommentFilterError(InputError):
    code = "bad_comment_filter"


@dataclass(frozen=True)
class CreatorFilters:
    hold_all: bool = False
    filter_spam_and_offensive: bool = False
    keywords: tuple[str, ...] = ()
    _patterns: tuple[re.Pattern[str], ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.keywords) > MAX_KEYWORDS:
            raise CommentFilterError(f"at most {MAX_KEYWORDS} keywords, got {len(self.keywords)}")
        patterns = []
        for keyword in self.keywords:
            term = normalise(keyword).text
            if not any(c.isalnum() for c in term):
                raise CommentFilterError(f"keyword {keyword!r} has no letters or digits")
            patterns.append(re.compile(rf"(?<!\w){re.escape(term)}(?!\w)"))
        object.__setattr__(self, "_patterns", tuple(patterns))

    def apply(self, text: str, decision: str, flagged: Iterable[str]) -> tuple[str, list[str]]:
        """The decision after the filters, and why each filter that fired did."""
        if decision == "block":
            return decision, []
        reasons = []
        if self.hold_all:
            reasons.append("the creator holds every comment for approval")
        offensive = sorted(OFFENSIVE_OR_SPAM.intersection(flagged))
        if self.filter_spam_and_offensive and offensive:
            reasons.append(
                f"the creator filters spam and offensive comments ({', '.join(offensive)})"
            )
        normalised = normalise(text).text
        matched = [
            k for k, p in zip(self.keywords, self._patterns, strict=True) if p.search(normalised)
        ]
        if matched:
            reasons.append(f"the creator filters the words {', '.join(repr(k) for k in matched)}")
        return ("hold" if reasons else decision), reasons


@dataclass(frozen=True)
class BulkAction:
    action: str
    comment_ids: tuple[str, ...]


def bulk_action(action: str, comment_ids: Sequence[str]) -> BulkAction:
    """Validate a bulk action on comments: at most 100, no duplicates, a known action."""
    if action not in BULK_ACTIONS:
        raise CommentFilterError(
            f"unknown bulk action {action!r}; one of {', '.join(BULK_ACTIONS)}"
        )
    if not comment_ids:
        raise CommentFilterError("a bulk action needs at least one comment")
    if len(comment_ids) > MAX_BULK:
        raise CommentFilterError(
            f"a bulk action takes at most {MAX_BULK} comments, got {len(comment_ids)}"
        )
    if len(set(comment_ids)) != len(comment_ids):
        raise CommentFilterError("the same comment is listed twice")
    return BulkAction(action, tuple(comment_ids))
