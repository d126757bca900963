"""core.uploads: a file written in ``uploads_kept_if_saved()`` is deleted again when the
block raises, kept when it succeeds; a name the storage cannot use is a field error."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from innobridge.core.uploads import uploads_kept_if_saved
from innobridge.exchange.models import ApplicationDocument

pytestmark = pytest.mark.django_db


def _files() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_a_file_written_in_a_block_that_raises_is_deleted() -> None:
    doc = ApplicationDocument(kind="cv")
    with pytest.raises(RuntimeError), uploads_kept_if_saved() as uploads:
        uploads.write(doc.file, "a.pdf", SimpleUploadedFile("a.pdf", b"%PDF-1.4"))
        uploads.write(doc.file, "b.pdf", SimpleUploadedFile("b.pdf", b"%PDF-1.4"))
        assert len(_files()) == 2
        raise RuntimeError("the database, say")
    assert _files() == []


def test_a_pending_file_is_written_and_kept_when_the_block_succeeds() -> None:
    doc = ApplicationDocument(kind="cv", file=SimpleUploadedFile("a.pdf", b"%PDF-1.4"))
    with uploads_kept_if_saved() as uploads:
        uploads.write_pending(doc)
        uploads.write_pending(doc)  # already stored: not written twice
    assert [p.name for p in _files()] == ["a.pdf"]
    assert doc.file.name == "exchange/documents/a.pdf"


def test_a_name_the_storage_cannot_use_is_a_field_error() -> None:
    doc = ApplicationDocument(kind="cv")
    with pytest.raises(ValidationError) as exc, uploads_kept_if_saved() as uploads:
        uploads.write(doc.file, "..", SimpleUploadedFile("a.pdf", b"%PDF-1.4"))
    assert list(exc.value.message_dict) == ["file"]
    assert _files() == []
