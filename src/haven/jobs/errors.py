from __future__ import annotations

from haven.errors import HavenError


class UnknownJob(HavenError):
    code = "unknown_job"


class QueueUnavailable(HavenError):
    code = "queue_unavailable"
