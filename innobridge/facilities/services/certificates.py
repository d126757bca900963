"""Training certificates a resource may require."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from innobridge.core.services import record_event, snapshot

from ..audit import FacilitiesAction
from ..models import (
    Resource,
    TrainingCertificate,
)
from ..permissions import require_manage_facility


def grant_certificate(
    actor: Any, person: Any, resource: Resource, *, valid_until: dt.date | None = None
) -> TrainingCertificate:
    require_manage_facility(actor, resource.facility)
    with transaction.atomic():
        cert, _created = TrainingCertificate.objects.update_or_create(
            person=person,
            resource=resource,
            defaults={
                "issued_by": actor,
                "issued_on": timezone.localdate(),
                "valid_until": valid_until,
            },
        )
        record_event(actor, FacilitiesAction.CERTIFICATE_GRANTED, cert, after=snapshot(cert))
    return cert


def revoke_certificate(actor: Any, cert: TrainingCertificate) -> None:
    require_manage_facility(actor, cert.resource.facility)
    with transaction.atomic():
        record_event(actor, FacilitiesAction.CERTIFICATE_REVOKED, cert, before=snapshot(cert))
        cert.delete()
