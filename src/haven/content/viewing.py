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


def viewed_content(item: ContentItem, decision: Decision | None) -> tuple[ViewedContent, bool]:
    """The content as the viewing rules see it, and whether it was removed."""
    names = {t["name"] for t in decision.treatments} if decision else set()
    removed = decision is not None and (decision.outcome == "remove" or "remove" in names)
    if names & AGE_RESTRICTING:
        level = ContentLevel.AGE_RESTRICTED
    elif names & TEEN_LEVEL:
        level = ContentLevel.TEEN
    else:
        level = ContentLevel.GENERAL
    return (
        ViewedContent(
            level=level,
            author_id=item.author_id,
            text=item.text or "",
            photosensitive=bool(names & PHOTOSENSITIVE),
        ),
        removed,
    )
