"""Django's PostgreSQL backend, its compiler remembering compiled SQL per query shape."""

from django.db.backends.postgresql import base, operations

from .. import RememberingOperations


class DatabaseOperations(RememberingOperations, operations.DatabaseOperations):
    pass


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
