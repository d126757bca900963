"""The shared cache's backends (core/cachebackend.py, issue #17): the cull looks at the
directory once every CULL_EVERY writes; the fragments' cache keeps copies per process
until the shared entry expires, and only what it was given."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import caches

from innobridge.core import cachebackend
from innobridge.core.cachebackend import LocalFirstFileCache, SharedFileCache


def _files(directory: Path) -> int:
    return len(list(directory.glob("*.djcache")))


def test_the_cull_lists_the_directory_once_every_cull_every_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = SharedFileCache(
        str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2, "CULL_EVERY": 5}}
    )
    listed = []
    real = backend._list_cache_files

    def counting() -> list[str]:
        listed.append(1)
        return real()

    monkeypatch.setattr(backend, "_list_cache_files", counting)
    for i in range(20):
        backend.set(f"k{i}", i)
    assert len(listed) == 4  # the 1st, 6th, 11th and 16th writes looked
    assert _files(tmp_path) <= 10 + 5  # over MAX_ENTRIES by at most CULL_EVERY
    assert backend.get("k19") == 19


def _pair(
    directory: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[LocalFirstFileCache, LocalFirstFileCache]:
    """Two processes' backends over one directory (each with its own copies)."""
    params: dict[str, Any] = {"KEY_PREFIX": "fragment", "OPTIONS": {"LOCAL_ENTRIES": 3}}
    monkeypatch.setattr(cachebackend, "_COPIES", {})
    first = LocalFirstFileCache(str(directory), params)
    monkeypatch.setattr(cachebackend, "_COPIES", {})  # the second "process" has its own
    second = LocalFirstFileCache(str(directory), params)
    return first, second


def test_a_process_keeps_a_copy_of_what_it_read_until_the_entry_expires(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer, reader = _pair(tmp_path, monkeypatch)
    writer.set("page", "<p>one</p>", 60)
    assert reader.get("page") == "<p>one</p>"  # from the shared file
    for f in tmp_path.glob("*.djcache"):
        f.unlink()  # the shared file is gone: the copy answers
    assert reader.get("page") == "<p>one</p>"
    now = time.time()
    monkeypatch.setattr(cachebackend.time, "time", lambda: now + 61)
    assert reader.get("page") is None  # the copy expired with the entry it came from
    assert reader.get("never", "default") == "default"


def test_the_copies_are_bounded_and_shared_by_the_threads_backends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _second = _pair(tmp_path, monkeypatch)
    third = LocalFirstFileCache(str(tmp_path), {"KEY_PREFIX": "fragment", "OPTIONS": {}})
    assert third._local is _second._local  # another thread's backend: the same copies
    for i in range(5):
        first.set(f"k{i}", i, 60)
    assert len(first._local) == 3  # LOCAL_ENTRIES: the least recently used dropped
    assert first.add("k4", "other") is False and first.get("k4") == 4
    assert first.touch("k4", 120) and first.get("k4") == 4
    first.delete("k4")
    assert first.get("k4") is None
    first.clear()
    assert not first._local and _files(tmp_path) == 0


def test_the_settings_put_fragments_in_their_own_keys() -> None:
    default, fragments = caches["default"], caches["template_fragments"]
    assert isinstance(default, SharedFileCache)
    assert not isinstance(default, LocalFirstFileCache)  # sessions, person facts: deleted
    assert isinstance(fragments, LocalFirstFileCache)
    fragments.set("same", "fragment", 60)
    default.set("same", "default", 60)
    assert fragments.get("same") == "fragment" and default.get("same") == "default"


@pytest.mark.parametrize("backend_class", [SharedFileCache, LocalFirstFileCache])
def test_any_key_is_kept_without_memcached_warnings(
    backend_class: type, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file's name is a digest of its key: spaces, control characters and keys longer
    than memcached's 250 characters are stored and found, without CacheKeyWarning."""
    import warnings

    monkeypatch.setattr(cachebackend, "_COPIES", {})
    backend = backend_class(str(tmp_path), {"OPTIONS": {}})
    keys = ["a key with spaces", "tab\there", "ключ·鍵", "k" * 400]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for i, key in enumerate(keys):
            backend.set(key, i)
        assert [backend.get(key) for key in keys] == list(range(len(keys)))
        backend.delete(keys[0])
        assert backend.get(keys[0]) is None
