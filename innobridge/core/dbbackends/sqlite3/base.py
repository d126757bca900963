"""Django's SQLite backend, its compiler remembering compiled SQL per query shape."""

from django.db.backends.sqlite3 import base, operations

from .. import RememberingOperations


class DatabaseOperations(RememberingOperations, operations.DatabaseOperations):
    pass


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
