"""The results asked most recently, by key: computed once, the least recent dropped first.

A cachetools LRU behind a lock, for what requests share (the table's rows across the years of a view,
the pages written into the HTML). The computation runs outside the lock: two threads may compute the
same result, neither waits for the other. Bounded by its number of entries and, when given a ``sizeof``,
by the bytes they weigh as well: the pages written into the HTML weigh ~0.1 MB each on the shipped data but
up to ~0.7 MB at 100,000 operations, where 64 of them took ~25 MiB in each worker (issue 24).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from cachetools import LRUCache

T = TypeVar("T")


class Recent:
    def __init__(
        self, size: int, *, max_bytes: int | None = None, sizeof: Callable[[Any], int] | None = None
    ) -> None:
        if (max_bytes is None) != (sizeof is None):
            raise ValueError("max_bytes and sizeof go together")
        self.size = size
        self.max_bytes = max_bytes
        # Bounded by bytes, cachetools counts each entry's sizeof against maxsize (and refuses an entry
        # bigger than the whole); the number of entries is bounded here.
        self._cache: LRUCache[Hashable, Any] = (
            LRUCache(maxsize=size) if max_bytes is None else LRUCache(maxsize=max_bytes, getsizeof=sizeof)
        )
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, or its result for the same ``key`` if it is among the last ``size`` asked (and,
        bounded by bytes, the last that fit in ``max_bytes``; one bigger than that is never kept)."""
        with self._lock:
            if key in self._cache:
                found: T = self._cache[key]
                return found
        value = compute()
        with self._lock:
            try:
                self._cache[key] = value
            except ValueError:  # bigger than max_bytes alone: given, not kept
                return value
            while len(self._cache) > self.size:
                self._cache.popitem()  # the least recent
        return value

    def weight(self) -> tuple[int, int]:
        """The entries kept and what they weigh (their ``sizeof``; their number when not bounded by bytes)."""
        with self._lock:
            return len(self._cache), int(self._cache.currsize)
