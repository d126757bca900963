"""Uploads are never left behind in storage.

A service that stores an upload validates everything it can first (the file's kind and
size, the row's ``full_clean()``), then writes the file and saves the row inside
``uploads_kept_if_saved()``::

    with uploads_kept_if_saved() as uploads:
        uploads.write(doc.file, upload.name, upload)   # or uploads.write_pending(obj)
        doc.save()
        record_event(...)

The block is a transaction. If anything in it raises once a file is written (the
database, the audit, a later file), every file written in the block is deleted again, so
storage never holds a file that no row points at. A file name the storage cannot use
becomes a ``ValidationError`` at the file's field (nothing is written then).

Not covered: a caller that wraps the service in its own ``transaction.atomic()`` and
rolls that back later (Django has no on-rollback hook); no view or endpoint does so.

The other way round, a file a row stops pointing at (a removed attachment, a replaced
photo) is deleted with ``delete_file_on_commit``: only once the change is committed, so a
rolled-back change keeps both the row and its file.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.storage import Storage
from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class WrittenUploads:
    """The files written in one ``uploads_kept_if_saved()`` block."""

    def __init__(self) -> None:
        self._written: list[tuple[Storage, str]] = []

    def write(self, fieldfile: FieldFile, name: str, content: Any) -> None:
        """Store ``content`` as ``fieldfile``'s file (the caller saves the row)."""
        try:
            fieldfile.save(name, content, save=False)
        except SuspiciousFileOperation as exc:
            raise ValidationError(
                {fieldfile.field.name: _("This file name cannot be used. Rename the file.")}
            ) from exc
        self._written.append((fieldfile.storage, str(fieldfile.name)))

    def write_pending(self, instance: models.Model) -> None:
        """Store every file ``instance`` holds that is not in storage yet (a file field
        set to an upload), so that ``instance.save()`` writes no file itself."""
        for field in instance._meta.concrete_fields:
            if not isinstance(field, models.FileField):
                continue
            fieldfile = getattr(instance, field.attname)
            if fieldfile and not fieldfile._committed:
                self.write(fieldfile, str(fieldfile.name), fieldfile.file)

    def discard(self) -> None:
        """Delete every file written so far (best effort: a failure is logged)."""
        while self._written:
            storage, name = self._written.pop()
            try:
                storage.delete(name)
            except Exception:  # the original error matters more than this one
                logger.exception("could not delete the orphan upload %s", name)


@contextmanager
def uploads_kept_if_saved() -> Iterator[WrittenUploads]:
    """A transaction whose written files are deleted again if it raises."""
    written = WrittenUploads()
    try:
        with transaction.atomic():
            yield written
    except BaseException:
        written.discard()
        raise


def delete_file_on_commit(storage: Storage, name: str | None) -> None:
    """Delete ``name`` from ``storage`` once the current transaction commits (never if
    it rolls back: the row that still points at the file keeps it)."""
    if not name:
        return

    def delete() -> None:
        try:
            storage.delete(name)
        except Exception:  # the change is committed; a stray file is only logged
            logger.exception("could not delete the replaced upload %s", name)

    transaction.on_commit(delete)


def files_deleted_with(obj: models.Model) -> list[tuple[Storage, str]]:
    """The stored files of ``obj`` and of every row that deleting it deletes by cascade
    (to hand to ``delete_file_on_commit`` once it is deleted)."""
    collector = Collector(using=router.db_for_write(type(obj)))
    collector.collect([obj])
    rows: list[Any] = [row for rows in collector.data.values() for row in rows]
    for queryset in collector.fast_deletes:  # rows Django deletes without loading them
        if _file_fields(queryset.model):
            rows += list(queryset)
    files = []
    for row in rows:
        for field in _file_fields(type(row)):
            fieldfile = getattr(row, field.attname)
            if fieldfile:
                files.append((fieldfile.storage, str(fieldfile.name)))
    return files


def _file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
