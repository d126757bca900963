"""The register of personal data shared between people, exported for a filing (e.g.
under the GBA Standard Contract) by the data protection officer."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from innobridge.core.services import record_event

from ..audit import PeopleAction
from ..models import ContactDisclosure
from ..permissions import require_view_disclosure_register

REGISTER_COLUMNS = (
    "id",
    "disclosed_at_utc",
    "subject_id",
    "subject",
    "subject_region",
    "recipient_id",
    "recipient",
    "recipient_region",
    "cross_boundary",
    "fields",
    "legal_basis",
    "consent_at_utc",
    "introduction_id",
)


def _utc(value: Any) -> str:
    return value.astimezone(dt.UTC).isoformat() if value else ""


@transaction.atomic
def export_disclosures(actor: Any, rows: Iterable[ContactDisclosure], *, filters: str = "") -> str:
    """The rows as CSV text; the export itself is audited (who took which personal data
    out, with which filters)."""
    require_view_disclosure_register(actor)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REGISTER_COLUMNS)
    count = 0
    for d in rows:
        count += 1
        writer.writerow(
            [
                d.pk,
                _utc(d.disclosed_at),
                d.subject_id,
                str(d.subject),
                d.subject_region,
                d.recipient_id,
                str(d.recipient),
                d.recipient_region,
                "yes" if d.cross_boundary else "no",
                " ".join(d.fields),
                d.legal_basis,
                _utc(d.consent_at),
                d.introduction_id,
            ]
        )
    record_event(
        actor,
        PeopleAction.DISCLOSURES_EXPORTED,
        object_type="people.contactdisclosure",
        after={"rows": count, "filters": filters},
    )
    return out.getvalue()
