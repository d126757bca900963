"""An application holds its documents' and referees' files: the admin has no "Delete
selected" for applications or programmes (their rows, and the files, stay); deleting one
on its delete page deletes its files once committed."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.storage import default_storage

from innobridge.exchange.models import Application, ApplicationDocument, Programme, Referee
from tests.pages import delete_selected, superuser_client

from .conftest import draft, pdf

pytestmark = pytest.mark.django_db


def test_applications_and_programmes_are_not_deleted_in_bulk(world: Any, make_person: Any) -> None:
    app = draft(world)
    doc = ApplicationDocument.objects.create(application=app, kind="cv", file=pdf("cv.pdf"))
    assert default_storage.exists(doc.file.name)
    root = superuser_client(make_person)
    for model, pk in (("application", app.pk), ("programme", world.programme.pk)):
        url = f"/admin/exchange/{model}/"
        assert 'value="delete_selected"' not in root.get(url).content.decode()
        delete_selected(root, url, [pk])
    assert Application.objects.filter(pk=app.pk).exists()
    assert Programme.objects.filter(pk=world.programme.pk).exists()
    assert default_storage.exists(doc.file.name)


def test_deleting_an_application_deletes_its_files_once_committed(
    world: Any, make_person: Any, django_capture_on_commit_callbacks: Any
) -> None:
    app = draft(world)
    doc = ApplicationDocument.objects.create(application=app, kind="cv", file=pdf("cv.pdf"))
    referee = Referee.objects.create(
        application=app, name="Prof. Ho", email="ho@example.org", letter=pdf("ho.pdf")
    )
    files = [doc.file.name, referee.letter.name]
    assert all(default_storage.exists(name) for name in files)
    root = superuser_client(make_person)
    with django_capture_on_commit_callbacks(execute=True):
        r = root.post(f"/admin/exchange/application/{app.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302
    assert not Application.objects.filter(pk=app.pk).exists()
    assert not any(default_storage.exists(name) for name in files)
