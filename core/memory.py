"""What one process keeps in its own memory: least recently used first out, within a byte budget."""

import threading
from collections import OrderedDict
from collections.abc import Callable


class BoundedMemory:
    """At most ``max_bytes`` of values (as ``size`` measures them), the least recently used
    leaving first, and none above ``max_bytes // largest_share`` (one huge value does not push
    out all the others). ``max_bytes`` 0 keeps nothing. Safe across the threads of a process.

    The page cache's own copies (``pages.cache.LocalPages``) and the template fragments
    (``{% memo %}``) live in one each.
    """

    def __init__(self, max_bytes: int, *, largest_share: int, size: Callable[[object], int] = len):
        self.max_bytes = max_bytes
        self.largest_share = largest_share
        self.size = size
        self._entries: OrderedDict[str, object] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: str, value) -> None:
        size = self.size(value)
        if size > self.max_bytes // self.largest_share:
            return
        with self._lock:
            if (replaced := self._entries.pop(key, None)) is not None:
                self._bytes -= self.size(replaced)
            self._entries[key] = value
            self._bytes += size
            while self._bytes > self.max_bytes:
                _key, evicted = self._entries.popitem(last=False)
                self._bytes -= self.size(evicted)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)
