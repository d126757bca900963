"""Django's compilers (SQLite uses the generic ones); ``SQLCompiler`` remembers compiled
SQL (sqlmemo)."""

from django.db.models.sql import compiler as django_compiler
from django.db.models.sql.compiler import (
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
