"""A resource's admin page creates and changes the resource through
``services.save_resource`` (the facility's managers or an administrator, its checks, the
audit event); what the service refuses is a message on the page and nothing is written;
what it does not take (the facility once the resource exists, the time zone) is
read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages

from innobridge.core.models import AuditEvent
from innobridge.facilities.audit import FacilitiesAction
from innobridge.facilities.models import Resource
from tests.pages import admin_form_data, client_as, superuser_client

pytestmark = pytest.mark.django_db


def _url(resource: Resource) -> str:
    return f"/admin/facilities/resource/{resource.pk}/change/"


def _events(action: str) -> Any:
    return AuditEvent.objects.filter(action=action)


def test_a_change_goes_through_save_resource_and_is_audited(
    resource: Any, make_person: Any
) -> None:
    root = superuser_client(make_person)
    data = admin_form_data(root.get(_url(resource)))
    assert not {"facility", "timezone", "search_text"} & set(data)  # read-only here
    r = root.post(_url(resource), data | {"name": "TEM (JEOL JEM-2010F)"})
    assert r.status_code == 302, r.context and r.context["errors"]
    resource.refresh_from_db()
    assert resource.name == "TEM (JEOL JEM-2010F)"
    event = _events(FacilitiesAction.RESOURCE_UPDATED).get()
    assert event.actor_repr.startswith("root") and event.object_id == str(resource.pk)
    assert event.before["name"].startswith("Transmission") and event.after["name"].startswith("TEM")


def test_a_page_posted_back_unchanged_writes_nothing(resource: Any, make_person: Any) -> None:
    root = superuser_client(make_person)
    r = root.post(_url(resource), admin_form_data(root.get(_url(resource))))
    assert r.status_code == 302, r.context and r.context["errors"]
    assert not _events(FacilitiesAction.RESOURCE_UPDATED).exists()


def test_what_save_resource_refuses_is_a_message_and_nothing_is_written(
    resource: Any, make_person: Any
) -> None:
    root = superuser_client(make_person)
    data = admin_form_data(root.get(_url(resource)))
    # 45 minutes is not a whole number of 30-minute steps: the service's rule.
    r = root.post(_url(resource), data | {"name": "Renamed", "min_duration_minutes": "45"})
    assert r.status_code == 302 and r.url == _url(resource)
    said = [str(m) for m in get_messages(r.wsgi_request)]
    assert said == ["The shortest and longest bookings must be whole multiples of the time step."]
    resource.refresh_from_db()
    assert (resource.name, resource.min_duration_minutes) != ("Renamed", 45)
    assert resource.min_duration_minutes == 60
    assert not _events(FacilitiesAction.RESOURCE_UPDATED).exists()


def test_a_staff_account_that_does_not_manage_the_facility_is_told(
    resource: Any, make_person: Any
) -> None:
    clerk = make_person("clerk", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_resource", "change_resource"])
    )
    client = client_as(clerk)
    r = client.post(_url(resource), admin_form_data(client.get(_url(resource))) | {"name": "X"})
    assert r.status_code == 302
    said = [str(m) for m in get_messages(r.wsgi_request)]
    assert said == ["Only a manager of this facility may do this."]
    resource.refresh_from_db()
    assert resource.name.startswith("Transmission")


def test_a_resource_is_added_through_save_resource(facility: Any, make_person: Any) -> None:
    root = superuser_client(make_person)
    url = "/admin/facilities/resource/add/"
    page = root.get(url)
    assert "facility" in page.context["adminform"].form.fields  # chosen when adding
    data = admin_form_data(page)
    assert "timezone" not in data
    r = root.post(
        url,
        data
        | {
            "facility": str(facility.pk),
            "kind": "instrument",
            "name": "Scanning electron microscope",
        },
    )
    assert r.status_code == 302, r.context and r.context["errors"]
    made = Resource.objects.get(name="Scanning electron microscope")
    assert made.facility == facility
    event = _events(FacilitiesAction.RESOURCE_CREATED).get()
    assert event.object_id == str(made.pk) and event.actor_repr.startswith("root")


def test_a_photo_is_replaced_and_cleared_through_save_resource(
    resource: Any,
    make_person: Any,
    settings: Any,
    tmp_path: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, format="PNG")
    root = superuser_client(make_person)
    data = admin_form_data(root.get(_url(resource)))
    upload = SimpleUploadedFile("tem.png", buf.getvalue(), "image/png")
    r = root.post(_url(resource), data | {"photo": upload})
    assert r.status_code == 302, r.context and r.context["errors"]
    resource.refresh_from_db()
    name = resource.photo.name
    assert name.startswith("facilities/") and (tmp_path / name).exists()
    event = _events(FacilitiesAction.RESOURCE_UPDATED).get()
    assert (event.before["photo"], event.after["photo"]) == ("", name)
    data = admin_form_data(root.get(_url(resource)))
    with django_capture_on_commit_callbacks(execute=True):
        r = root.post(_url(resource), data | {"photo-clear": "on"})
    assert r.status_code == 302, r.context and r.context["errors"]
    resource.refresh_from_db()
    assert not resource.photo
    assert not (tmp_path / name).exists()  # the replaced file, once committed
