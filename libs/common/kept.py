"""Finished answers kept in memory until the next write: the store behind the services'
kept answers (libs/common/answers.py) and the gateway's (gateway/kept_answers.py).

Every write empties the whole store (`forget`). An answer whose read began before a
write ended is not kept: the caller notes `generation` before reading and passes it to
`keep`. Answers also expire, in case a write went unheard. The oldest answers go first
once the store holds `max_bytes`.
"""

import time
from collections import OrderedDict
from typing import Any

MAX_AGE_SECONDS = 30.0
MAX_BYTES = 128 * 1024 * 1024


class Kept:
    def __init__(self, max_bytes: int = MAX_BYTES):
        self.max_bytes = max_bytes
        self.generation = 0
        self._entries: OrderedDict[Any, tuple[float, int, Any]] = OrderedDict()
        self._size = 0

    def forget(self) -> None:
        self.generation += 1
        self._entries.clear()
        self._size = 0

    def get(self, key) -> Any | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, _, value = entry
        if expires <= time.monotonic():
            return None
        self._entries.move_to_end(key)
        return value

    def expires_in(self, key) -> float:
        entry = self._entries.get(key)
        return max(0.0, entry[0] - time.monotonic()) if entry else 0.0

    def keep(self, key, value, size: int, generation: int, ttl: float = MAX_AGE_SECONDS) -> bool:
        """Keeps `value` unless a write happened since `generation` was read."""
        if generation != self.generation or ttl <= 0:
            return False
        old = self._entries.pop(key, None)
        if old is not None:
            self._size -= old[1]
        self._entries[key] = (time.monotonic() + ttl, size, value)
        self._size += size
        while self._size > self.max_bytes and self._entries:
            _, (_, evicted_size, _) = self._entries.popitem(last=False)
            self._size -= evicted_size
        return True
