from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from haven.access.interfaces import Webhooks
from haven.audit.interfaces import AuditLog
from haven.clock import Clock
from haven.content.models import ContentItem, ContentState
from haven.jobs.interfaces import JobsStore


class ContentStore(Protocol):
    def add(self, item: ContentItem) -> None: ...

    def get(self, content_id: str, *, platform: str | None = None) -> ContentItem:
        """The item; ``UnknownContent`` if there is none (or none of that platform)."""
        ...

    def set_state(self, content_id: str, state: ContentState) -> None: ...


class ContentTransaction(Protocol):
    webhooks: Webhooks
    content: ContentStore
    jobs: JobsStore
    audit: AuditLog


class ContentServiceStore(Protocol):
    clock: Clock

    def transaction(
        self, *, snapshot: bool = False, write: bool = True
    ) -> AbstractContextManager[ContentTransaction]: ...
