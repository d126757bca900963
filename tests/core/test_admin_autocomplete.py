"""Admin edit forms do not list thousands of organisations and people in a drop-down:
every relation to a searchable model is an autocomplete (or raw-id) field."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client

from innobridge.people.models import Organisation, Person


def test_every_relation_to_organisations_and_people_is_an_autocomplete() -> None:
    missing = []
    for model, model_admin in admin.site._registry.items():
        targets = [(model_admin, model)] + [(i, i.model) for i in model_admin.inlines]
        for target, target_model in targets:
            quick = set(target.autocomplete_fields) | set(target.raw_id_fields)
            quick |= (
                set(target.readonly_fields)
                if isinstance(target.readonly_fields, list | tuple)
                else set()
            )
            for field in target_model._meta.get_fields():
                if not (field.is_relation and (field.many_to_one or field.many_to_many)):
                    continue
                if field.auto_created or not field.editable:
                    continue
                if field.related_model in (Organisation, Person) and field.name not in quick:
                    missing.append(f"{target_model.__name__}.{field.name}")
    assert missing == []


@pytest.mark.django_db
def test_the_organisation_change_page_has_no_list_of_every_organisation(
    client: Client, make_person: Any
) -> None:
    Organisation.objects.bulk_create(
        [
            Organisation(name=f"Institute {i}", region="CN", primary_type="education")
            for i in range(300)
        ]
    )
    staff = make_person("root", is_staff=True, is_superuser=True)
    client.force_login(staff)
    org = Organisation.objects.first()
    assert org is not None
    page = client.get(f"/admin/people/organisation/{org.pk}/change/").content.decode()
    assert page.count("<option") < 50
