"""Submissions per client, in the ``limits`` library's notation (ATLAS_FEEDBACK_RATE, e.g. ``10/minute``).

The window lives in this process's memory: with several instances each keeps its own count, so the effective
limit is the rate times the number of instances. The key is the keyed hash of the client address, never the address.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter


class SubmissionRateLimiter:
    def __init__(self, rate: str) -> None:
        self.items: list[RateLimitItem] = parse_many(rate)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, client_key: str) -> int | None:
        """Count one submission; None when allowed, else the seconds until the client may send again."""
        # Test every limit before counting, so a refused submission does not use up the others.
        refused = [item for item in self.items if not self._limiter.test(item, "feedback", client_key)]
        if not refused:
            for item in self.items:
                self._limiter.hit(item, "feedback", client_key)
            return None
        resets = [self._limiter.get_window_stats(item, "feedback", client_key).reset_time for item in refused]
        return max(1, math.ceil(max(resets) - time.time()))
