"""The cache backends of the server's shared cache (settings.CACHES; what is kept and when
it is emptied: core/caching.py). Both are Django's FileBasedCache — files in one directory,
written atomically, so what one server process stores or deletes the others see — with two
changes measured under load (issue #17, benchmarks/README.md):

* :class:`SharedFileCache` looks for entries to cull once every ``CULL_EVERY`` writes of a
  process instead of at every write: Django's lists the whole directory on each ``set``
  (20,000 files at ``MAX_ENTRIES``: milliseconds a write). The directory may then hold up
  to ``CULL_EVERY`` entries per server process above ``MAX_ENTRIES`` before a cull.
* :class:`LocalFirstFileCache` (the ``template_fragments`` cache) also keeps, in each
  process, a copy of the entries it read or wrote, until the entry's own expiry: a read is
  a dictionary look-up instead of opening, decompressing and unpickling a file. It is only
  for entries that are never changed or deleted once written — whose key names their
  content (the public generation, or a digest of everything that decides it) — since a
  deletion or overwrite in one process does not reach the copies in the others. The shared
  file holds the expiry with the value, so a copy made from it expires when the file does.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache

_MISSING = object()
# The copies of each LocalFirstFileCache (by directory and key prefix) in this process.
_COPIES: dict[str, tuple[OrderedDict[str, tuple[float | None, Any]], threading.Lock]] = {}
_COPIES_LOCK = threading.Lock()


class SharedFileCache(FileBasedCache):
    """FileBasedCache that lists its directory for culling once every ``CULL_EVERY``
    (option, default 100) writes of this process, not at every write, and that does not
    check its keys for memcached (Django's ``validate_key`` reads every character of every
    key to warn of what memcached would refuse; a file's name is a digest of its key, so
    any key is fine here; issue #17)."""

    def __init__(self, dir: str, params: dict[str, Any]) -> None:
        super().__init__(dir, params)
        options = params.get("OPTIONS", {})
        self._cull_every = max(1, int(options.get("CULL_EVERY", 100)))
        self._writes = self._cull_every - 1  # the first write of a process looks

    def validate_key(self, key: str) -> None:
        return None

    def _cull(self) -> None:
        self._writes += 1
        if self._writes < self._cull_every:
            return
        self._writes = 0
        super()._cull()  # type: ignore[misc]  # (django-stubs leave the private method out)


class LocalFirstFileCache(SharedFileCache):
    """:class:`SharedFileCache` with this process's copies in front, for entries that are
    never changed or deleted once written (see the module's docstring). At most
    ``LOCAL_ENTRIES`` (option, default 4,096) copies, the least recently used dropped."""

    def __init__(self, dir: str, params: dict[str, Any]) -> None:
        super().__init__(dir, params)
        options = params.get("OPTIONS", {})
        self._local_max = max(1, int(options.get("LOCAL_ENTRIES", 4096)))
        # Django makes a backend object per thread: the copies are the process's.
        with _COPIES_LOCK:
            self._local, self._lock = _COPIES.setdefault(
                f"{os.path.abspath(dir)}|{self.key_prefix}", (OrderedDict(), threading.Lock())
            )

    def _keep(self, made_key: str, expiry: float | None, value: Any) -> None:
        with self._lock:
            self._local[made_key] = (expiry, value)
            self._local.move_to_end(made_key)
            while len(self._local) > self._local_max:
                self._local.popitem(last=False)

    def _copy(self, made_key: str) -> Any:
        with self._lock:
            entry = self._local.get(made_key)
            if entry is None:
                return _MISSING
            expiry, value = entry
            if expiry is not None and expiry <= time.time():
                del self._local[made_key]
                return _MISSING
            self._local.move_to_end(made_key)
            return value

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        made_key = self.make_and_validate_key(key, version=version)
        value = self._copy(made_key)
        if value is not _MISSING:
            return value
        entry = super().get(key, _MISSING, version)
        if entry is _MISSING:
            return default
        expiry, value = entry
        self._keep(made_key, expiry, value)
        return value

    def set(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        expiry = self.get_backend_timeout(timeout)
        super().set(key, (expiry, value), timeout, version)
        self._keep(self.make_and_validate_key(key, version=version), expiry, value)

    def add(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        if self.get(key, _MISSING, version) is not _MISSING:
            return False
        self.set(key, value, timeout, version)
        return True

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        value = self.get(key, _MISSING, version)
        if value is _MISSING:
            return False
        self.set(key, value, timeout, version)
        return True

    def delete(self, key: str, version: int | None = None) -> bool:
        with self._lock:
            self._local.pop(self.make_and_validate_key(key, version=version), None)
        return bool(super().delete(key, version))

    def clear(self) -> None:
        with self._lock:
            self._local.clear()
        super().clear()
