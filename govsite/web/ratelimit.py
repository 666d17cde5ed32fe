"""Counting what one client address does in a sliding window: failed logins, public reports.

Kept in this process's memory: with several workers each counts on its own, and a restart
forgets it. That is enough to slow a script down, which is all it is for; the limits that
must always hold (an account's lock) live in the store. Time is a monotonic clock, never the
application's injectable clock: moving the business clock in a test must not unlock anyone.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class IpLimiter:
    """At most `limit` counted events per client address in any `window_s` seconds."""

    def __init__(self, limit: int, window_s: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, address: str) -> int:
        """Seconds until `address` may try again; 0 when it may now."""
        now = self._clock()
        with self._lock:
            times = self._prune(address, now)
            if len(times) < self.limit:
                return 0
            return max(1, int(times[0] + self.window_s - now) + 1)

    def record(self, address: str) -> None:
        """Count one event (a failed login, an accepted report) for `address`."""
        now = self._clock()
        with self._lock:
            self._prune(address, now).append(now)

    def _prune(self, address: str, now: float) -> deque[float]:
        times = self._events.setdefault(address, deque())
        while times and times[0] <= now - self.window_s:
            times.popleft()
        return times
