"""The authentication backend: Django's ``ModelBackend``, except that the signed-in
person's account row is not read from the database on every request of their session.

Django's ``get_user`` reads the person's row (every column of ``people_person``) for each
request of a signed-in session, to know who it is and to check the session against the
password (the session's auth hash): ~0.5 ms of CPU, the largest part of what a signed-in
request costs before its view runs (issue #17, benchmarks/README.md). Here each server
process keeps the row's values in memory, with the *version* it was read under; the
version is a person fact in the shared cache (``core/caching.py``), a random token made
when there is none. Whenever the person is saved or deleted (a password change, a
deactivation, a new name) or their groups change, the version is forgotten — at once and
again when the transaction commits — so the next request in every process finds a new
version, no copy made under the old one matches, and the row is read again. A version
lives at most ``PERSON_FACTS_SECONDS``, so a change that bypassed the model's signals
shows within a minute. Only the values are kept, in this process's memory (never in the
shared cache's files); each request gets a new instance made from them, as the database
read would have made it. Passwords are checked as Django checks them (``authenticate``
is Django's own).
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import DEFAULT_DB_ALIAS

from . import caching

# Rows kept per process (the least recently used goes first).
LIMIT = 10_000

_rows: OrderedDict[Any, tuple[str, tuple[Any, ...]]] = OrderedDict()
_lock = threading.Lock()


def _new_version() -> str:
    return secrets.token_hex(8)


def forget_all() -> None:
    """This process's copies are dropped (tests)."""
    with _lock:
        _rows.clear()


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        version = caching.person_fact(user_id, caching.ACCOUNT_VERSION_FACT, _new_version)
        names = [f.attname for f in model._meta.concrete_fields]
        with _lock:
            kept = _rows.get(user_id)
            if kept is not None:
                _rows.move_to_end(user_id)
        if kept is not None and kept[0] == version:
            user = model.from_db(DEFAULT_DB_ALIAS, names, kept[1])
        else:
            try:
                user = model._default_manager.get(pk=user_id)
            except model.DoesNotExist:
                return None
            values = tuple(getattr(user, name) for name in names)
            with _lock:
                _rows[user_id] = (version, values)
                _rows.move_to_end(user_id)
                while len(_rows) > LIMIT:
                    _rows.popitem(last=False)
        return user if self.user_can_authenticate(user) else None


# The path a session names its backend by (settings.AUTHENTICATION_BACKENDS), for log-ins
# that pass the backend explicitly.
BACKEND = f"{CachedModelBackend.__module__}.{CachedModelBackend.__qualname__}"
