"""Django's PostgreSQL and SQLite backends with the compiled-SQL memory of
``innobridge.core.sqlmemo`` in front of their ``SQLCompiler`` (settings.py names these
engines in place of Django's own; everything else is Django's backend unchanged)."""

from __future__ import annotations

from typing import Any

from ..sqlmemo import remembering


class RememberingOperations:
    """In front of a backend's ``DatabaseOperations``: its ``SQLCompiler`` with the
    memory in front (the other compilers, for inserts, updates and deletes, are its own)."""

    def compiler(self, compiler_name: str) -> Any:
        found = super().compiler(compiler_name)  # type: ignore[misc]
        return remembering(found) if compiler_name == "SQLCompiler" else found
