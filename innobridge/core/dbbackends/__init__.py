"""Django's PostgreSQL and SQLite backends with the compiled-SQL memory of
``innobridge.core.sqlmemo`` in front of their ``SQLCompiler`` (settings.py names these
engines in place of Django's own; everything else is Django's backend unchanged)."""
