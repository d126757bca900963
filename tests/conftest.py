"""Fixtures shared by the whole test suite."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest


def _database_engine() -> str:
    from django.conf import settings

    return str(settings.DATABASES["default"]["ENGINE"])


def pytest_configure(config: pytest.Config) -> None:
    """The session-wide audit recorder (tests/audit_recorder.py): a run of the whole
    suite fails when a registered audit action is written by no test."""
    from tests.audit_recorder import AuditRecorder

    config.pluginmanager.register(AuditRecorder(config), "innobridge-audit-recorder")
    _static_files_from_the_source()
    _own_cache_directory()
    _verify_remembered_sql()


def _verify_remembered_sql() -> None:
    """Every statement the compiler takes from its memory (innobridge/core/sqlmemo.py) is
    compiled again by Django and must be the same: the whole suite checks the shape key."""
    from django.conf import settings

    settings.INNOBRIDGE_SQL_MEMO_VERIFY = True


_CACHE_DIRS: list[str] = []


def pytest_unconfigure(config: pytest.Config) -> None:
    import shutil

    for location in _CACHE_DIRS:
        shutil.rmtree(location, ignore_errors=True)


def _own_cache_directory() -> None:
    """The shared cache (a FileBasedCache, as in production) lives in a directory of this
    test run's own, so two runs (SQLite and PostgreSQL, or a developer's server) never
    empty or read each other's entries."""
    import tempfile

    from django.conf import settings

    location = tempfile.mkdtemp(prefix="innobridge-test-cache-")
    _CACHE_DIRS.append(location)
    settings.CACHES = {
        alias: {**config, "LOCATION": location} for alias, config in settings.CACHES.items()
    }


def _static_files_from_the_source() -> None:
    """Tests read static files from the source folders, as with DEBUG on: nothing is
    collected into STATIC_ROOT before a test run (and a STATIC_ROOT left by an earlier
    ``innobridge serve`` is not used). tests/core/test_static_files.py collects and serves
    them the way ``innobridge serve`` does."""
    from django.conf import settings

    settings.STATIC_COLLECTED = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True


def pytest_report_header(config: pytest.Config) -> str:
    return f"innobridge database: {_database_engine()}"


def pytest_sessionstart(session: pytest.Session) -> None:
    """scripts/test says which database a run is for (INNOBRIDGE_EXPECT_DB); a run
    that would silently use another one fails at once."""
    import os

    expected = os.environ.get("INNOBRIDGE_EXPECT_DB")
    if expected and expected not in _database_engine():
        raise pytest.UsageError(
            f"INNOBRIDGE_EXPECT_DB={expected} but the database engine is {_database_engine()}"
        )


@pytest.fixture(autouse=True)
def _role_groups(request: pytest.FixtureRequest) -> None:
    """The role groups come from a data migration; a transactional test (live_server,
    e2e, concurrency) flushes every table after it, groups included. Put them back
    before each test that uses the database, whatever ran before it."""
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    if (
        "transactional_db" in names
        or "live_server" in names
        or (marker is not None and marker.kwargs.get("transaction"))
    ):
        request.getfixturevalue("transactional_db")
    elif "db" in names or marker is not None:
        request.getfixturevalue("db")
    else:
        return
    from django.contrib.auth.models import Group

    from innobridge.core.permissions import Role

    for role in Role:
        Group.objects.get_or_create(name=role.value)


@pytest.fixture
def make_person(db: Any) -> Callable[..., Any]:
    """Create an account holding the given roles (group names)."""
    from django.contrib.auth.models import Group

    from innobridge.people.models import Person

    counter = {"n": 0}

    def make(username: str | None = None, roles: tuple[str, ...] = (), **extra: Any) -> Any:
        counter["n"] += 1
        username = username or f"person{counter['n']}"
        password = extra.pop("password", "a-Strong-passw0rd!")
        extra.setdefault("email", f"{username}@example.org")
        person = Person.objects.create_user(username=username, password=password, **extra)
        for role in roles:
            person.groups.add(Group.objects.get(name=role))
        return person

    return make


@pytest.fixture(autouse=True)
def _two_factor_not_required(settings: Any) -> None:
    """The suite runs as the demo does: no role is required to use two-factor sign-in
    (INNOBRIDGE_2FA_REQUIRED_ROLES empty), so tests of other features can log officers and
    reviewers in with ``force_login``. tests/people/test_two_factor.py turns it on."""
    settings.INNOBRIDGE_2FA_REQUIRED_ROLES = []


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: pages cache what every visitor sees (the home
    page's public overview), and a test's rolled-back data must not show in the next."""
    from django.core.cache import caches

    for alias in caches:  # the fragments' cache keeps copies in this process too
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language (English): a test-client request in
    zh-hant/zh-hans leaves that translation active in the thread, which would make
    later tests see translated messages."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _isolated_var_dir(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never touch the developer's var/ (database, matching index, uploads):
    each test gets its own, and the matching engine uses a small deterministic
    embedder unless a test asks for a real model."""
    var = tmp_path_factory.mktemp("var")
    settings.VAR_DIR = var
    settings.MEDIA_ROOT = var / "media"
    settings.MATCHING_EMBEDDER = "tests.matching._fakes.FakeEmbedder"
    from innobridge.people import matching

    matching.reset_for_tests()
