"""The results asked most recently, by key: computed once, the least recent dropped first.

A cachetools LRU behind a lock, for what requests share (the table's rows across the years of a view,
the pages written into the HTML). The computation runs outside the lock: two threads may compute the
same result, neither waits for the other.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from cachetools import LRUCache

T = TypeVar("T")


class Recent:
    def __init__(self, size: int) -> None:
        self.size = size
        self._cache: LRUCache[Hashable, Any] = LRUCache(maxsize=size)
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, or its result for the same ``key`` if it is among the last ``size`` asked."""
        with self._lock:
            if key in self._cache:
                found: T = self._cache[key]
                return found
        value = compute()
        with self._lock:
            self._cache[key] = value
        return value
