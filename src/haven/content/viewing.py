"""What the well-being question "may V see C" needs to know of a stored piece of content,
read from its current decision."""

from __future__ import annotations

from haven.content.models import ContentItem
from haven.decisions.models import Decision
from haven.wellbeing.models import ContentLevel, ViewedContent

# The decision's treatments set the content level: an age restriction is adults only; a
# warning screen (graphic or distressing but allowed) is not for Restricted Mode.
AGE_RESTRICTING = {"age_restrict"}
TEEN_LEVEL = {"warning_screen"}
PHOTOSENSITIVE = {"photosensitivity_warning"}


def availability(decision: Decision | None) -> str | None:
    """Why nobody (or only some) may see the content whatever their settings: ``removed``;
    ``held`` (waiting for a person's review: shown to its author only); ``unscreened`` (no
    decision yet: not shown to minors); None when the viewing rules decide."""
    if decision is None:
        return "unscreened"
    names = {t["name"] for t in decision.treatments}
    if decision.outcome == "remove" or "remove" in names:
        return "removed"
    if "hold_for_review" in names:
        return "held"
    return None


def viewed_content(item: ContentItem, decision: Decision | None) -> ViewedContent:
    """The content as the viewing rules see it."""
    names = {t["name"] for t in decision.treatments} if decision else set()
    if names & AGE_RESTRICTING:
        level = ContentLevel.AGE_RESTRICTED
    elif names & TEEN_LEVEL:
        level = ContentLevel.TEEN
    else:
        level = ContentLevel.GENERAL
    return ViewedContent(
        level=level,
        author_id=item.author_id,
        text=item.text or "",
        photosensitive=bool(names & PHOTOSENSITIVE),
    )
