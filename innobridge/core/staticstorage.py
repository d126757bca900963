"""Static files as WhiteNoise serves them whenever DEBUG is off (embedded and production):
``innobridge serve`` collects them into ``STATIC_ROOT`` with WhiteNoise's
``CompressedManifestStaticFilesStorage`` — every file under a name that carries a hash of
its content (WhiteNoise then sends ``Cache-Control: max-age=315360000, public, immutable``)
plus gzip and brotli copies beside it (sent with ``Content-Encoding`` to browsers that
accept them). Plotly's 4.8 MB bundle goes out as 1.1 MB of brotli, once per version.

The one addition: compressed copies from an earlier start that are still current are kept
rather than made again, so a restart does not spend a minute of CPU re-compressing Plotly
and the API docs' bundles with brotli. A hashed name's copies are current when they exist
(the name is the content's hash; copies are written to a temporary name and renamed, so
one that exists is whole); an unhashed file's copies when they carry its modification time
(WhiteNoise's compressor stamps them so, and collectstatic re-copies a changed file)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage


class ReusingCompressor(Compressor):
    """WhiteNoise's compressor that keeps compressed copies which are still current."""

    def __init__(self, hashed: set[str] | frozenset[str] = frozenset(), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.hashed = hashed

    def _copies(self, path: str) -> list[str]:
        return [path + ".br"] * self.use_brotli + [path + ".gz"] * self.use_gzip

    def _current(self, path: str) -> bool:
        copies = self._copies(path)
        if not copies or not all(os.path.exists(c) for c in copies):
            return False
        if path in self.hashed:
            return True
        mtime = os.stat(path).st_mtime
        return all(os.stat(c).st_mtime == mtime for c in copies)

    def compress(self, path: str) -> list[str]:
        if self._current(path):
            return self._copies(path)
        return list(super().compress(path))

    def write_data(self, path: str, data: bytes, suffix: str, stat_result: Any) -> str:
        filename = path + suffix
        partial = filename + ".part"
        with open(partial, "wb") as f:
            f.write(data)
        os.utime(partial, (stat_result.st_atime, stat_result.st_mtime))
        os.replace(partial, filename)
        return filename


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed names and gzip + brotli copies (see the module's doc)."""

    def create_compressor(self, **kwargs: Any) -> Compressor:
        hashed = {os.path.join(self.location, name) for name in self.hashed_files.values()}
        return ReusingCompressor(hashed=hashed, **kwargs)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[tuple[str, bool], str] = {}

    def url(self, name: Any, force: bool = False) -> str:
        """The hashed file's address, looked up in the manifest once per process and name
        (``{% static %}`` renders a few on every page; ~25 µs each, issue #17). Forgotten
        when the files are collected again; not kept while DEBUG serves unhashed names."""
        if settings.DEBUG and not force:
            return str(super().url(name, force))
        key = (name, force)
        url = self._urls.get(key)
        if url is None:
            url = str(super().url(name, force))
            self._urls[key] = url
        return url

    def post_process(self, *args: Any, **kwargs: Any) -> Any:
        self._urls = {}
        yield from super().post_process(*args, **kwargs)
        self._urls = {}
