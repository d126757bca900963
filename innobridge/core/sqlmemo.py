"""Compiled SQL remembered per query shape (issue #17).

Django compiles every queryset's SQL afresh: the column list, the joins of
``select_related``, the ordering, the quoting of every name. On the busiest signed-in
pages that compilation was a third of the CPU of a request (``SQLCompiler.as_sql``,
``benchmarks/README.md``, tenth round), although a page runs the same few query shapes
with different values every time.

:class:`MemoCompilerMixin` goes in front of a backend's ``SQLCompiler`` (the database
backends in ``innobridge.core.dbbackends`` use it). For a plain ``SELECT`` it computes a
*shape key* from everything that decides the SQL except the ``WHERE`` clause (the model,
the joins already made, ``select_related``, ``only``/``defer``, ``values()``, the ordering,
``distinct``, the slice), then compiles the ``WHERE`` clause alone, which gives this
query's parameters and its own SQL text. The shape key and that text together name the
whole statement: the first query of a shape is compiled in full by Django and its
statement, column list and row-building plan are kept; later queries of the same shape
only compile their ``WHERE`` clause and take the rest from memory. The converters that
turn the database's values into Python's (``get_converters``, per column) are kept with
the statement too, once per database connection (they are the connection's).

Anything outside that plain form is compiled by Django as before: annotations and
aggregates other than ``count()``'s, ``exists()`` (its ``SELECT 1`` is a parameter),
``extra()``, unions, ``select_for_update``,
``FilteredRelation``, expressions in ``order_by`` or in a ``values()`` list, ``EXPLAIN``,
and any statement whose parameters do not all come from its ``WHERE`` clause.

With ``settings.INNOBRIDGE_SQL_MEMO_VERIFY`` (the test suite sets it) every statement
taken from memory is also compiled in full by Django and the two must agree, SQL text,
parameters, row-building plan and converters, or the query fails: the whole suite checks
the shape key on both databases.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db.models.aggregates import Count
from django.db.models.expressions import Col, Star
from django.db.models.sql.compiler import SQLCompiler
from django.db.models.sql.datastructures import BaseTable, Join
from django.db.models.sql.query import Query

# Shapes are few (a page runs tens of them); the memory is emptied if ever it holds more.
MAX_SHAPES = 4000
# Converters are kept per connection (per server thread) of each statement, for this many.
MAX_CONNECTIONS = 32

_MEMO: dict[tuple[Any, ...], _Statement] = {}


class _Statement:
    """What a full compilation of one shape left behind: the statement and what the
    row iterators read from the compiler afterwards."""

    __slots__ = (
        "annotation_col_map",
        "col_count",
        "converters",
        "extra",
        "klass_info",
        "select",
        "sql",
    )

    def __init__(self, compiler: Any, sql: str) -> None:
        self.sql = sql
        # per connection (by its operations object, kept to be compared): the converters
        # of the statement's columns, as Django's get_converters() gives them
        self.converters: dict[int, tuple[Any, dict[int, Any]]] = {}
        self.select = tuple(compiler.select)
        self.klass_info = compiler.klass_info
        self.annotation_col_map = compiler.annotation_col_map
        self.col_count = compiler.col_count
        self.extra = compiler.has_extra_select


def _frozen(value: Any) -> Any:
    """``select_related``'s nested dicts as something hashable."""
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    return value


def _counts(q: Any) -> tuple[Any, ...] | None:
    """The annotations of ``count()`` (``COUNT(*)``, the only kind remembered), or None."""
    if not q.annotations:
        return ()
    names = []
    for alias, expression in q.annotations.items():
        if (
            type(expression) is not Count
            or expression.distinct  # type: ignore[attr-defined]  # (the stubs lack them)
            or expression.filter is not None
            or expression.default is not None  # type: ignore[attr-defined]
            or type(expression.source_expressions[0]) is not Star
        ):
            return None
        names.append(alias)
    mask = q.annotation_select_mask
    return (tuple(names), None if mask is None else tuple(sorted(mask)))


def shape_key(compiler: Any, with_limits: bool, with_col_aliases: bool) -> tuple[Any, ...] | None:
    """Everything but the ``WHERE`` clause that decides the SQL of ``compiler``'s query,
    or None when the query is not of the plain form remembered here."""
    q: Any = compiler.query
    if (
        type(q) is not Query
        or q.model is None
        or q.extra
        or q.extra_tables
        or q.extra_order_by
        or q.combinator
        or q.group_by is not None
        or q.explain_info
        or q.select_for_update
        or q._filtered_relations  # type: ignore[attr-defined]  # (Django's stubs lack it)
        or q.distinct_fields
    ):
        return None
    for term in q.order_by:
        if type(term) is not str:
            return None
    counted = _counts(q)
    if counted is None:
        return None
    cols: list[Any] = []
    for col in q.select:
        if type(col) is not Col:
            return None
        cols.append((col.alias, id(col.target), id(col.output_field)))
    selected: tuple[Any, ...] | None = None
    if q.selected is not None:
        for value in q.selected.values():
            if type(value) is not int:
                return None
        selected = tuple(q.selected.items())
    refcount = q.alias_refcount
    joins: list[Any] = []
    for alias, join in q.alias_map.items():
        kind = type(join)
        if kind is BaseTable:
            joins.append((alias, join.table_name, refcount[alias]))
        elif isinstance(join, Join) and kind is Join and join.filtered_relation is None:
            joins.append(
                (
                    alias,
                    join.table_name,
                    join.parent_alias,
                    join.join_type,
                    id(join.join_field),
                    join.nullable,
                    refcount[alias],
                )
            )
        else:
            return None
    fields, defer = q.deferred_loading
    return (
        type(compiler),
        compiler.using,
        counted,
        compiler.elide_empty,
        with_limits,
        with_col_aliases,
        q.model,
        q.default_cols,
        tuple(cols),
        selected,
        tuple(q.values_select),
        tuple(joins),
        _frozen(q.select_related),
        q.max_depth,
        frozenset(fields),
        defer,
        tuple(q.order_by),
        q.default_ordering,
        q.standard_ordering,
        q.distinct,
        q.low_mark,
        q.high_mark,
        q.subquery,
        tuple(q.external_aliases.items()),
    )


def _plan(klass_info: Any) -> Any:
    """A row-building plan in comparable form (its setters are fresh functions)."""
    if not klass_info:
        return klass_info
    return (
        klass_info["model"],
        tuple(klass_info["select_fields"]),
        tuple(
            (getattr(info.get("field"), "name", None), info.get("reverse"), _plan(info))
            for info in klass_info.get("related_klass_infos", ())
        ),
    )


class MemoCompilerMixin(SQLCompiler):
    """In front of a backend's ``SQLCompiler`` (which derives from Django's, as this does):
    see the module's docstring."""

    def as_sql(self, with_limits: bool = True, with_col_aliases: bool = False) -> Any:
        full = super().as_sql
        key = shape_key(self, with_limits, with_col_aliases)
        if key is None:
            return full(with_limits, with_col_aliases)
        me: Any = self  # Django's stubs name fewer of the compiler's attributes than it has
        where = self.query.where
        where_params: Any
        try:
            where_sql, where_params = me.compile(where)
        except FullResultSet:
            where_sql, where_params = "", []
        except EmptyResultSet:
            return full(with_limits, with_col_aliases)
        key = (key, where_sql)
        statement = _MEMO.get(key)
        if statement is None:
            sql, params = full(with_limits, with_col_aliases)
            if (
                list(params) == list(where_params)
                and me.where is where
                and me.having is None
                and me.qualify is None
            ):
                if len(_MEMO) >= MAX_SHAPES:
                    _MEMO.clear()
                _MEMO[key] = _Statement(self, sql)
            return sql, params
        self.select = list(statement.select)
        self.klass_info = statement.klass_info
        self.annotation_col_map = statement.annotation_col_map
        self.col_count = statement.col_count
        self.has_extra_select = statement.extra
        me.where, me.having, me.qualify = where, None, None
        me._memo_statement = statement
        if getattr(settings, "INNOBRIDGE_SQL_MEMO_VERIFY", False):
            self._verify(statement, where_params, with_limits, with_col_aliases)
        return statement.sql, tuple(where_params)

    def get_converters(self, expressions: Any) -> Any:
        statement: _Statement | None = getattr(self, "_memo_statement", None)
        if statement is None or not _are_columns(expressions, statement):
            return super().get_converters(expressions)
        ops = self.connection.ops
        kept = statement.converters.get(id(ops))
        if kept is not None and kept[0] is ops:
            if getattr(settings, "INNOBRIDGE_SQL_MEMO_VERIFY", False):
                fresh = super().get_converters(expressions)
                if _comparable(fresh) != _comparable(kept[1]):
                    raise AssertionError(
                        f"remembered converters differ from Django's:\n{kept[1]}\n{fresh}"
                    )
            return kept[1]
        converters = super().get_converters(expressions)
        if len(statement.converters) >= MAX_CONNECTIONS:  # threads come and go (ASGI)
            statement.converters.clear()
        statement.converters[id(ops)] = (ops, converters)
        return converters

    def _verify(
        self, statement: _Statement, params: Any, with_limits: bool, with_col_aliases: bool
    ) -> None:
        me: Any = self
        fresh = type(self)(self.query.clone(), self.connection, self.using, me.elide_empty)
        sql, fresh_params = super(MemoCompilerMixin, fresh).as_sql(with_limits, with_col_aliases)
        expected = (
            sql,
            tuple(fresh_params),
            [s[1:] for s in fresh.select],
            fresh.col_count,
            fresh.has_extra_select,
            fresh.annotation_col_map,
            _plan(fresh.klass_info),
        )
        got = (
            statement.sql,
            tuple(params),
            [s[1:] for s in statement.select],
            statement.col_count,
            statement.extra,
            statement.annotation_col_map,
            _plan(statement.klass_info),
        )
        if got != expected:
            raise AssertionError(
                f"remembered SQL differs from Django's compilation:\n{got}\n{expected}"
            )


def _converter(function: Any) -> Any:
    """A converter in comparable form: a bound method as it is; a function made for the
    column (SQLite's decimal converter is a closure over the field's places) as its code
    and the values it closes over, objects by their type."""
    if hasattr(function, "__self__") or not hasattr(function, "__code__"):
        return function
    cells = tuple(
        c.cell_contents
        if isinstance(c.cell_contents, int | str | Decimal | type(None))
        else type(c.cell_contents)
        for c in function.__closure__ or ()
    )
    return (function.__code__, cells)


def _comparable(converters: dict[int, Any]) -> dict[int, Any]:
    return {
        i: ([_converter(f) for f in functions], expression)
        for i, (functions, expression) in converters.items()
    }


def _are_columns(expressions: Any, statement: _Statement) -> bool:
    """Whether ``expressions`` are the remembered statement's columns (``results_iter``
    asks for the converters of exactly those)."""
    select = statement.select
    return len(expressions) == statement.col_count <= len(select) and all(
        e is s[0] for e, s in zip(expressions, select, strict=False)
    )


_REMEMBERING: dict[type, type] = {}


def remembering(compiler_class: type) -> type:
    """``compiler_class`` (a backend's ``SQLCompiler``) with :class:`MemoCompilerMixin` in
    front: one class per backend's, made at its first query."""
    made = _REMEMBERING.get(compiler_class)
    if made is None:
        made = type(compiler_class.__name__, (MemoCompilerMixin, compiler_class), {})
        _REMEMBERING[compiler_class] = made
    return made


def forget() -> None:
    """Empty the memory (tests; a process never needs to: shapes follow the code)."""
    _MEMO.clear()


def remembered() -> int:
    return len(_MEMO)
