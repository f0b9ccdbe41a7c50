"""A per-client rate limit for the public endpoints: a token bucket per address, in this
process (each API process limits on its own; put a shared limiter in front at scale)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from haven.errors import HavenError


class RateLimited(HavenError):
    code = "rate_limited"


class RateLimit:
    def __init__(self, *, per_minute: int, burst: int, max_clients: int = 100_000) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, client: str) -> None:
        """Take one token for ``client`` or raise RateLimited with the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.pop(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens < 1:
                self._buckets[client] = (tokens, now)
                wait = (1 - tokens) / self.rate
                raise RateLimited(
                    f"too many requests from this address; try again in {wait:.0f} s",
                    retry_after=max(1, round(wait)),
                )
            self._buckets[client] = (tokens - 1, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
