"""Deleting training certificates in the admin's list revokes them through the service
(audited); resources and facilities, whose photos are files, are not deleted in bulk."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from innobridge.core.models import AuditEvent
from innobridge.facilities.audit import FacilitiesAction
from innobridge.facilities.models import Facility, Resource, TrainingCertificate
from tests.pages import delete_selected, superuser_client

pytestmark = pytest.mark.django_db


def test_bulk_delete_of_certificates_revokes_them_through_the_service(
    resource: Any, people: dict[str, Any], make_person: Any
) -> None:
    certs = [
        TrainingCertificate.objects.create(
            person=person, resource=resource, issued_on=dt.date.today()
        )
        for person in (people["hk"], people["mainland"])
    ]
    url = "/admin/facilities/trainingcertificate/"
    r = delete_selected(superuser_client(make_person), url, [c.pk for c in certs])
    assert r.status_code == 302
    assert not TrainingCertificate.objects.exists()
    revoked = AuditEvent.objects.filter(action=FacilitiesAction.CERTIFICATE_REVOKED)
    assert sorted(int(e.object_id) for e in revoked) == sorted(c.pk for c in certs)


def test_resources_and_facilities_are_not_deleted_in_bulk(resource: Any, make_person: Any) -> None:
    root = superuser_client(make_person)
    for model, pk in (("resource", resource.pk), ("facility", resource.facility_id)):
        url = f"/admin/facilities/{model}/"
        assert 'value="delete_selected"' not in root.get(url).content.decode()
        delete_selected(root, url, [pk])
    assert Resource.objects.filter(pk=resource.pk).exists()
    assert Facility.objects.filter(pk=resource.facility_id).exists()
