"""A programme's checklist steps are changed and removed through
``services.update_checklist_step`` / ``remove_checklist_step`` (the programme's officers,
audited), on the officer's page and in the admin's checklist rows. A stay holds its own
copy of the steps (``ChecklistItem``, no link back): a change or a removal applies to the
stays made from then on, and the stays already made keep their checklist, ticks and all
(so neither is refused nor cascades)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError

from innobridge.core.models import AuditEvent
from innobridge.exchange import services
from innobridge.exchange.audit import ExchangeAction
from innobridge.exchange.models import ChecklistTemplate
from tests.pages import admin_form_data, admin_row, client_as, formset_prefix, page_as

from .conftest import accepted_stay

pytestmark = pytest.mark.django_db


def _step(world: Any) -> ChecklistTemplate:
    return world.programme.checklist.get()


def test_a_change_and_a_removal_are_audited_and_leave_the_stays_checklists(
    world: Any,
) -> None:
    stay = accepted_stay(world)
    [item] = stay.checklist.all()
    services.tick_checklist(world.applicant, item)
    step = _step(world)
    changed = services.update_checklist_step(
        world.officer, step, title="  Entry permit (IANG)  ", days_before_arrival=90
    )
    assert (changed.title, changed.days_before_arrival) == ("Entry permit (IANG)", 90)
    event = AuditEvent.objects.get(action=ExchangeAction.CHECKLIST_STEP_UPDATED)
    assert event.object_id == str(step.pk) and event.actor_repr.startswith("officer")
    assert event.before["title"] == "Entry permit for Mainland talents"
    assert (event.after["title"], event.after["days_before_arrival"]) == (
        "Entry permit (IANG)",
        90,
    )
    services.remove_checklist_step(world.officer, changed)
    assert not world.programme.checklist.exists()
    removed = AuditEvent.objects.get(action=ExchangeAction.CHECKLIST_STEP_REMOVED)
    assert removed.before["title"] == "Entry permit (IANG)" and removed.after is None
    item.refresh_from_db()  # the fellow's copy, and the tick, stay
    assert item.title == "Entry permit for Mainland talents" and item.done_at is not None


def test_an_unchanged_step_writes_nothing_and_a_bad_one_is_refused(world: Any) -> None:
    step = _step(world)
    services.update_checklist_step(world.officer, step, title=step.title)
    assert not AuditEvent.objects.filter(action=ExchangeAction.CHECKLIST_STEP_UPDATED).exists()
    with pytest.raises(ValidationError) as refused:
        services.update_checklist_step(world.officer, step, title=" ", days_before_arrival=400)
    assert set(refused.value.message_dict) == {"title", "days_before_arrival"}
    with pytest.raises(ValidationError):
        services.update_checklist_step(world.officer, step, programme=None)
    step.refresh_from_db()
    assert step.title == "Entry permit for Mainland talents"
    assert not AuditEvent.objects.filter(action=ExchangeAction.CHECKLIST_STEP_UPDATED).exists()


def test_only_the_programmes_officers_change_or_remove_a_step(world: Any) -> None:
    step = _step(world)
    for who in (world.outsider, world.supervisor, world.applicant):
        with pytest.raises(PermissionDenied):
            services.update_checklist_step(who, step, title="Mine")
        with pytest.raises(PermissionDenied):
            services.remove_checklist_step(who, step)
    assert ChecklistTemplate.objects.filter(pk=step.pk, title=step.title).exists()


def test_the_admin_changes_and_removes_steps_through_the_services(
    world: Any, make_person: Any
) -> None:
    root = client_as(make_person("root", is_staff=True, is_superuser=True))
    url = f"/admin/exchange/programme/{world.programme.pk}/change/"
    data = admin_form_data(root.get(url))
    steps = formset_prefix(data, "checklist")
    admin_row(data, steps, 0, title="Entry permit (IANG)")
    r = root.post(url, data)
    assert r.status_code == 302, r.context and r.context["errors"]
    assert _step(world).title == "Entry permit (IANG)"
    event = AuditEvent.objects.get(action=ExchangeAction.CHECKLIST_STEP_UPDATED)
    assert event.actor_repr.startswith("root")
    data = admin_form_data(root.get(url))
    admin_row(data, steps, 0, DELETE=True)
    r = root.post(url, data)
    assert r.status_code == 302, r.context and r.context["errors"]
    assert not world.programme.checklist.exists()
    assert AuditEvent.objects.filter(action=ExchangeAction.CHECKLIST_STEP_REMOVED).count() == 1


def test_a_staff_account_that_is_no_officer_is_told_and_nothing_changes(
    world: Any, make_person: Any
) -> None:
    clerk = make_person("clerk", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "view_programme",
                "change_programme",
                "view_checklisttemplate",
                "change_checklisttemplate",
                "delete_checklisttemplate",
            ]
        )
    )
    client = client_as(clerk)
    url = f"/admin/exchange/programme/{world.programme.pk}/change/"
    data = admin_form_data(client.get(url))
    admin_row(data, formset_prefix(data, "checklist"), 0, DELETE=True)
    r = client.post(url, data)
    assert r.status_code == 302
    said = [str(m) for m in get_messages(r.wsgi_request)]
    assert said == ["You may not do this."]
    assert world.programme.checklist.count() == 1
    assert not AuditEvent.objects.filter(action=ExchangeAction.CHECKLIST_STEP_REMOVED).exists()


def test_the_officer_changes_and_removes_a_step_on_the_programme_page(world: Any) -> None:
    step = _step(world)
    officer = client_as(world.officer)
    url = f"/exchange/programmes/{world.programme.pk}/manage/"
    prefix = f"step-{step.pk}"
    change = {
        "action": "change_checklist",
        "item": step.pk,
        f"{prefix}-host_region": "HK",
        f"{prefix}-title": "Entry permit (IANG)",
        f"{prefix}-days_before_arrival": "90",
    }
    r = officer.post(url, change | {f"{prefix}-days_before_arrival": "400"})
    assert r.status_code == 400  # the form again, with its error
    assert _step(world).days_before_arrival == 60
    r = officer.post(url, change)
    assert r.status_code == 302
    assert (_step(world).title, _step(world).days_before_arrival) == ("Entry permit (IANG)", 90)
    outsider = client_as(world.outsider)
    assert outsider.post(url, {"action": "remove_checklist", "item": step.pk}).status_code == 403
    assert officer.post(url, {"action": "remove_checklist", "item": 0}).status_code == 404
    r = officer.post(url, {"action": "remove_checklist", "item": step.pk})
    assert r.status_code == 302
    assert not world.programme.checklist.exists()
    assert AuditEvent.objects.filter(action=ExchangeAction.CHECKLIST_STEP_UPDATED).count() == 1
    assert AuditEvent.objects.filter(action=ExchangeAction.CHECKLIST_STEP_REMOVED).count() == 1


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Change step", "Save step", "each stay keeps the checklist it was given"]),
        ("zh-hant", ["更改步驟", "儲存步驟"]),
        ("zh-hans", ["更改步骤", "保存步骤"]),
    ],
)
def test_the_programme_page_offers_the_changes_in_every_language(
    world: Any, language: str, words: list[str]
) -> None:
    html = page_as(
        f"/exchange/programmes/{world.programme.pk}/manage/",
        user=world.officer,
        language=language,
    )
    for word in words:
        assert word in html
