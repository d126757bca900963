"""Writes of the core app. ``record_event`` is called by every service in every app,
inside the service's transaction, so a state change and its audit row commit together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from .audit import CoreAction
from .caching import forget_person_facts
from .models import AuditEvent, Currency, ExchangeRate, Notice, PersonalDataView
from .permissions import Role, require_act_as


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_json_safe(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``obj`` as JSON-safe data, for before/after."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in {"password"}:
            continue
        data[field.attname] = _json_safe(getattr(obj, field.attname))
    return data


def record_event(
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    *,
    object_type: str | None = None,
    object_id: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must be called inside a transaction")
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_repr=(str(actor) if is_user else (actor if isinstance(actor, str) else ""))[:200],
        action=action,
        object_type=object_type or "",
        object_id=object_id or "",
        object_repr=str(obj)[:300] if obj is not None else "",
        before=_json_safe(before) if before is not None else None,
        after=_json_safe(after) if after is not None else None,
    )


@transaction.atomic
def set_exchange_rate(
    actor: Any,
    *,
    base: str,
    quote: str,
    rate: Decimal | str,
    valid_from: dt.date,
    source: str = "",
) -> ExchangeRate:
    """Record (or correct) the rate for one currency pair from one day on: an
    administrator (or a system command, ``actor`` a label); the rate and its audit
    event commit together."""
    _require_rate_keeper(actor)
    valid = {c.value for c in Currency}
    base, quote = base.upper(), quote.upper()
    if base not in valid or quote not in valid:
        raise ValidationError(_("Unknown currency."))
    try:
        rate_value = Decimal(str(rate))
    except Exception as exc:
        raise ValidationError({"rate": _("A rate must be a number.")}) from exc
    existing = (
        ExchangeRate.objects.select_for_update()
        .filter(base=base, quote=quote, valid_from=valid_from)
        .first()
    )
    before = snapshot(existing) if existing else None
    obj = existing or ExchangeRate(base=base, quote=quote, valid_from=valid_from)
    obj.rate = rate_value
    obj.source = source
    obj.full_clean()
    obj.save()
    record_event(actor, CoreAction.EXCHANGE_RATE_SET, obj, before=before, after=snapshot(obj))
    return obj


@transaction.atomic
def delete_exchange_rate(actor: Any, rate: ExchangeRate) -> None:
    """Delete one recorded rate (an administrator, or a system command), audited with
    what it was; conversions on its days then use the rate in force before it."""
    _require_rate_keeper(actor)
    locked = ExchangeRate.objects.select_for_update().get(pk=rate.pk)
    before = snapshot(locked)
    record_event(actor, CoreAction.EXCHANGE_RATE_DELETED, locked, before=before)
    locked.delete()


def _require_rate_keeper(actor: Any) -> None:
    if actor is None or isinstance(actor, str):  # a management command or seed script
        return
    require_act_as(actor, Role.ADMINISTRATOR)


def apply_transition(
    actor: Any,
    obj: models.Model,
    flow: Any,
    action: str,
    *,
    audit_action: str,
    check_roles: bool = True,
    audit_fields: list[str] | None = None,
    audit_extra: dict[str, Any] | None = None,
    **changes: Any,
) -> models.Model:
    """Move ``obj`` along ``flow`` (a :class:`innobridge.core.workflow.Workflow`) by
    ``action``: lock its row, check the table against the *locked* state (and the actor's
    roles unless ``check_roles`` is off, for a service that has checked them itself),
    set the target state and ``changes``, save, and write the audit event — in one
    transaction. Returns the locked, updated instance; ``obj`` is refreshed too.

    The audit event's before/after hold every field, or only ``audit_fields``;
    ``audit_extra`` adds facts of the step to ``after`` (what else it changed)."""
    with transaction.atomic():
        locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        if check_roles:
            t = flow.check(actor, locked, action)
        else:
            t = flow.edge(flow.state_of(locked), action)
            if t is None:
                flow.check(actor, locked, action)  # raises the state error
        before = snapshot(locked, audit_fields)
        setattr(locked, flow.state_attr, t.target)
        for key, value in changes.items():
            setattr(locked, key, value)
        locked.save()
        after = {**snapshot(locked, audit_fields), **(audit_extra or {})}
        record_event(actor, audit_action, locked, before=before, after=after)
    obj.refresh_from_db()
    return locked


@transaction.atomic
def log_personal_data_view(
    viewer: Any,
    subject: Any,
    obj: models.Model,
    *,
    item: str,
    role: str,
    viewer_region: str = "",
    subject_region: str = "",
) -> PersonalDataView | None:
    """Register that ``viewer`` (in ``role``) saw ``item`` of ``subject``'s personal data
    held in ``obj``. A person seeing their own data is not registered. The caller has
    already checked that the viewer may see it."""
    if not getattr(viewer, "is_authenticated", False) or viewer.pk == subject.pk:
        return None
    view = PersonalDataView.objects.create(
        subject=subject,
        subject_region=subject_region or "",
        viewer=viewer,
        viewer_repr=str(viewer)[:200],
        viewer_role=role[:40],
        viewer_region=viewer_region or "",
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        item=item[:200],
    )
    record_event(
        viewer,
        CoreAction.PERSONAL_DATA_VIEWED,
        obj,
        after={"subject": subject.pk, "item": view.item, "role": view.viewer_role},
    )
    return view


def notify_in_app(
    recipient: Any, source: str, subject: str, body: str = "", url: str = ""
) -> Notice:
    """An in-app notice (already in the recipient's language) from app ``source``."""
    return Notice.objects.create(
        recipient=recipient, source=source, subject=subject[:300], body=body, url=url[:300]
    )


@transaction.atomic
def mark_notices_read(
    actor: Any, source: str | None = None, ids: Iterable[int] | None = None
) -> int:
    """Mark the actor's unread notices from ``source`` (every app's when None; or only
    ``ids``) read; returns how many."""
    from django.utils import timezone

    qs = Notice.objects.filter(recipient=actor, read_at__isnull=True)
    if source is not None:
        qs = qs.filter(source=source)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    count = qs.update(read_at=timezone.now())
    forget_person_facts(actor.pk)  # the header's unread count (an update sends no signal)
    return count
