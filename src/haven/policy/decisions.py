"""One word for what a surface does with a text, derived from the treatments.

A platform asks "may this comment be posted?" or "what does this search show?"; the answer is
the strongest treatment the policy gave, in the surface's own terms:

* comment: ``block`` (remove) > ``hold`` (hold_for_review) > ``nudge`` (comment_nudge) > ``allow``
* search: ``intervene`` (search_intervention, info_banner) > ``allow``
* caption, transcript, on-screen text: ``restrict`` (remove, age_restrict, warning_screen,
  not_recommended) > ``review`` (hold_for_review) > ``label`` (info_banner, unverified_label)
  > ``allow``
"""

from __future__ import annotations

from collections.abc import Iterable

from haven.policy.model import Treatment

_ORDER: dict[str, list[tuple[str, set[str]]]] = {
    "comment": [
        ("block", {"remove"}),
        ("hold", {"hold_for_review"}),
        ("nudge", {"comment_nudge"}),
    ],
    "search": [("intervene", {"search_intervention", "info_banner"})],
    "content": [
        ("restrict", {"remove", "age_restrict", "warning_screen", "not_recommended"}),
        ("review", {"hold_for_review"}),
        ("label", {"info_banner", "unverified_label"}),
    ],
}


def decide(surface: str, treatments: Iterable[Treatment]) -> str:
    names = {t.name for t in treatments}
    for decision, triggers in _ORDER.get(surface, _ORDER["content"]):
        if names & triggers:
            return decision
    return "allow"
