"""The organisation admin wrote rows directly: one added there had no search text (no name
search found it), a change was not audited, and an organisation imported from ROR could be
edited only for the next import to undo it. An organisation the directory does not hold is
now added through ``register_organisation`` and changed through ``update_organisation``
(validated, a name already held refused, its search text written, audited); one from ROR
is shown read-only; none is deleted here (it is marked inactive or withdrawn)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.pages import admin_form_data, superuser_client

pytestmark = pytest.mark.django_db

ADD = "/admin/people/organisation/add/"


def _events(action: str) -> int:
    from innobridge.core.models import AuditEvent

    return AuditEvent.objects.filter(action=action).count()


def test_an_organisation_added_in_the_admin_is_registered(make_person: Any) -> None:
    from innobridge.people.models import Organisation
    from innobridge.people.selectors import resolve_organisation

    c = superuser_client(make_person)
    data = admin_form_data(c.get(ADD))
    data.update(
        name="Sha Tin Robotics Ltd",
        name_zh="沙田機械人有限公司",
        region="HK",
        primary_type="company",
        city="Hong Kong",
        website="https://robotics.example.hk",
    )
    response = c.post(ADD, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    org = Organisation.objects.get(name="Sha Tin Robotics Ltd")
    assert org.types == ["company"] and org.status == "active"
    assert resolve_organisation("沙田機械人")[0] == org
    assert _events("people.organisation.registered") == 1
    # the same name again is refused, with nothing written
    response = c.post(ADD, {**data, "name": "sha tin robotics ltd", "name_zh": ""}, follow=True)
    assert "already holds" in response.content.decode()
    assert Organisation.objects.filter(name__iexact="sha tin robotics ltd").count() == 1


def test_a_change_goes_through_the_service(make_person: Any) -> None:
    from innobridge.people.models import Organisation
    from innobridge.people.selectors import resolve_organisation
    from innobridge.people.services import register_organisation

    c = superuser_client(make_person)
    org = register_organisation(
        make_person("boss", is_superuser=True), name="Kwun Tong Optics", region="HK"
    )
    url = f"/admin/people/organisation/{org.pk}/change/"
    data = admin_form_data(c.get(url))
    data.update(name="Kwun Tong Optics Ltd", status="inactive")
    assert c.post(url, data).status_code == 302
    org.refresh_from_db()
    assert (org.name, org.status) == ("Kwun Tong Optics Ltd", "inactive")
    assert resolve_organisation("Kwun Tong Optics Ltd")[0] == org
    assert _events("people.organisation.updated") == 1
    assert c.post(url, data).status_code == 302  # posted back unchanged: nothing written
    assert _events("people.organisation.updated") == 1
    assert Organisation.objects.count() == 1


def test_an_organisation_from_ror_is_shown_not_changed_and_none_is_deleted(
    make_person: Any,
) -> None:
    from innobridge.people.models import Organisation
    from innobridge.people.services import update_organisation

    org = Organisation.objects.create(
        name="The University of Hong Kong", region="HK", ror_id="02zhqgq86"
    )
    c = superuser_client(make_person)
    url = f"/admin/people/organisation/{org.pk}/change/"
    page = c.get(url).content.decode()
    assert 'name="name"' not in page and "The University of Hong Kong" in page
    c.post(url, {"name": "Renamed"})
    org.refresh_from_db()
    assert org.name == "The University of Hong Kong"
    with pytest.raises(ValidationError):
        update_organisation(make_person("boss", is_superuser=True), org, name="Renamed")
    assert c.get(f"/admin/people/organisation/{org.pk}/delete/").status_code == 403
    assert Organisation.objects.filter(pk=org.pk).exists()


def test_only_an_administrator_registers_or_changes_one(make_person: Any) -> None:
    from innobridge.people.services import register_organisation, update_organisation

    officer = make_person("olga", roles=("programme_officer",))
    with pytest.raises(PermissionDenied):
        register_organisation(officer, name="Nowhere Ltd", region="HK")
    org = register_organisation(
        make_person("boss", roles=("administrator",)), name="Somewhere Ltd", region="CN"
    )
    with pytest.raises(PermissionDenied):
        update_organisation(officer, org, name="Elsewhere Ltd")
    with pytest.raises(ValidationError):
        update_organisation(make_person("boss2", is_superuser=True), org, ror_id="0abcdef12")
