"""Django's PostgreSQL compilers; ``SQLCompiler`` remembers compiled SQL (sqlmemo)."""

from django.db.backends.postgresql import compiler as django_compiler
from django.db.backends.postgresql.compiler import (
    SQLAggregateCompiler,
    SQLDeleteCompiler,
    SQLInsertCompiler,
    SQLUpdateCompiler,
)

from ...sqlmemo import MemoCompilerMixin

__all__ = [
    "SQLAggregateCompiler",
    "SQLCompiler",
    "SQLDeleteCompiler",
    "SQLInsertCompiler",
    "SQLUpdateCompiler",
]


class SQLCompiler(MemoCompilerMixin, django_compiler.SQLCompiler):
    pass
