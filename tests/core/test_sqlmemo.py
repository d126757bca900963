"""The compiler's memory of compiled SQL per query shape (innobridge/core/sqlmemo.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.db.models import Count
from django.db.models.sql import compiler as django_compiler
from django.test.utils import CaptureQueriesContext

from innobridge.core import sqlmemo
from innobridge.people.models import Person, ResearcherProfile
from tests.factories import ResearcherFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh(settings: Any) -> Iterator[None]:
    """An empty memory, without the suite's verification (which compiles every remembered
    statement again)."""
    settings.INNOBRIDGE_SQL_MEMO_VERIFY = False
    sqlmemo.forget()
    yield
    sqlmemo.forget()


@pytest.fixture
def full_compilations() -> Iterator[list[Any]]:
    """Each full compilation by Django (its column list is built once per compilation)."""
    made: list[Any] = []
    real = django_compiler.SQLCompiler.get_select

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        made.append(self.query.model)
        return real(self, *args, **kwargs)

    with mock.patch.object(django_compiler.SQLCompiler, "get_select", counted):
        yield made


@pytest.fixture
def people(fresh: None, full_compilations: list[Any]) -> list[Any]:
    """Three people in the order of their keys, made before the memory and the count of
    Django's compilations are emptied."""
    made = [ResearcherFactory().person for _ in range(3)]
    sqlmemo.forget()
    full_compilations.clear()
    return made


def test_the_settings_use_the_remembering_compiler() -> None:
    assert issubclass(connection.ops.compiler("SQLCompiler"), sqlmemo.MemoCompilerMixin)
    assert connection.settings_dict["ENGINE"].startswith("innobridge.core.dbbackends.")


def test_a_shape_is_compiled_once_and_each_query_keeps_its_own_values(
    fresh: None, full_compilations: list[Any]
) -> None:
    a, b, c = (ResearcherFactory() for _ in range(3))
    full_compilations.clear()
    with CaptureQueriesContext(connection) as ctx:
        found = [
            ResearcherProfile.objects.select_related("person", "organisation").get(pk=r.pk)
            for r in (a, b, c)
        ]
    assert [r.pk for r in found] == [a.pk, b.pk, c.pk]
    assert len(full_compilations) == 1  # the first; the others came from memory
    assert len({q["sql"] for q in ctx.captured_queries}) == 3  # the values are inlined here
    # the related rows were built from the remembered plan, without further queries
    with CaptureQueriesContext(connection) as more:
        assert [r.person.username for r in found] == [
            a.person.username,
            b.person.username,
            c.person.username,
        ]
        assert [r.organisation.pk for r in found] == [
            a.organisation.pk,
            b.organisation.pk,
            c.organisation.pk,
        ]
    assert not more.captured_queries


def test_where_clauses_of_other_forms_are_other_shapes(
    people: list[Any], full_compilations: list[Any]
) -> None:
    ids = [p.pk for p in people]
    for _ in range(2):
        assert list(Person.objects.filter(pk__in=ids[:1]).order_by("pk")) == people[:1]
        assert list(Person.objects.filter(pk__in=ids).order_by("pk")) == people
        assert list(Person.objects.filter(pk__in=ids, last_login=None).order_by("pk")) == people
        assert not Person.objects.filter(pk__in=ids).exclude(last_login=None)
        assert list(Person.objects.filter(pk__in=[])) == []
    # four shapes compiled once each; the empty IN is Django's each time (it raises at its
    # WHERE clause, after the column list, and never reaches the database)
    assert len(full_compilations) == 4 + 2


def test_values_only_and_slices_from_memory(
    people: list[Any], full_compilations: list[Any]
) -> None:
    for person in people:
        assert list(Person.objects.filter(pk=person.pk).values("username")) == [
            {"username": person.username}
        ]
        assert list(Person.objects.filter(pk=person.pk).values_list("pk", "email")) == [
            (person.pk, person.email)
        ]
        only = Person.objects.only("username").get(pk=person.pk)
        assert only.username == person.username
        assert only.get_deferred_fields()
    assert [p.pk for p in Person.objects.order_by("-pk")[:2]] == [people[2].pk, people[1].pk]
    assert [p.pk for p in Person.objects.order_by("-pk")[1:3]] == [people[1].pk, people[0].pk]
    assert len(full_compilations) == 3 + 2


def test_counts_are_remembered_other_annotations_and_existence_left_to_django(
    people: list[Any], full_compilations: list[Any]
) -> None:
    ids = [p.pk for p in people]
    assert Person.objects.filter(pk=ids[0]).count() == 1
    assert Person.objects.filter(pk__gt=ids[0], pk__lte=ids[2]).count() == 2
    assert Person.objects.filter(pk=-1).count() == 0
    assert sqlmemo.remembered() == 2  # pk = %s, and the range
    assert len(full_compilations) == 2
    Person.objects.annotate(n=Count("groups")).filter(pk=ids[0]).first()
    Person.objects.filter(pk=ids[0]).annotate(n=Count("groups")).count()
    Person.objects.filter(pk=ids[0]).exists()
    Person.objects.filter(pk=ids[0]).extra(select={"one": "1"}).first()
    assert sqlmemo.remembered() == 2


def test_verification_catches_a_statement_that_is_not_djangos(fresh: None, settings: Any) -> None:
    person = ResearcherFactory().person
    sqlmemo.forget()
    Person.objects.filter(pk=person.pk).first()
    (key,) = sqlmemo._MEMO
    statement = sqlmemo._MEMO[key]
    statement.sql = statement.sql.replace("ORDER BY", "ORDER BY 1,")
    settings.INNOBRIDGE_SQL_MEMO_VERIFY = True
    with pytest.raises(AssertionError, match="remembered SQL differs"):
        Person.objects.filter(pk=person.pk).first()


def test_converters_are_remembered_per_connection_and_still_convert(
    people: list[Any], settings: Any
) -> None:
    asked: list[Any] = []
    real = django_compiler.SQLCompiler.get_converters

    def counted(self: Any, expressions: Any) -> Any:
        asked.append(self.query.model)
        return real(self, expressions)

    with mock.patch.object(django_compiler.SQLCompiler, "get_converters", counted):
        found = [Person.objects.filter(pk=p.pk).first() for p in people]
    # Django's, for the full compilation and for the first statement from memory; the third
    # query took the second's
    assert len(asked) == 2
    for p, f in zip(people, found, strict=True):
        assert f is not None
        assert f.date_joined == p.date_joined  # converted as by Django (an aware datetime)
        assert f.date_joined.tzinfo is not None
        assert f.is_active is True
    (statement,) = sqlmemo._MEMO.values()
    assert [ops for ops, _ in statement.converters.values()] == [connection.ops]
    # the suite's verification compares them with Django's at every use
    settings.INNOBRIDGE_SQL_MEMO_VERIFY = True
    ops, converters = statement.converters[id(connection.ops)]
    statement.converters[id(connection.ops)] = (ops, converters | {0: ([str], None)})
    with pytest.raises(AssertionError, match="remembered converters differ"):
        Person.objects.filter(pk=people[0].pk).first()
