"""Reminders: arrival soon, report due, stay ending (run daily by a command)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop

from .. import notifications
from ..models import ReportAuthor, Stay, StayState
from .stays import report_due_dates

ARRIVAL_SOON = gettext_noop("Your stay starts soon")
ARRIVAL_TEXT = gettext_noop(
    "Your planned arrival is in two weeks or less. Check your permit checklist: "
)
REPORT_DUE = gettext_noop("A report is due soon")
REPORT_TEXT = gettext_noop("A report on your stay is due within two weeks: ")
ENDING = gettext_noop("Your stay is ending")
ENDING_TEXT = gettext_noop("Your stay ends within a month. Plan your final report: ")


def send_reminders(today: dt.date | None = None) -> list[tuple[str, int]]:
    """Send today's reminders; returns (kind, stay pk) for each one sent."""
    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=14)
    sent: list[tuple[str, int]] = []
    from django.conf import settings
    from django.urls import reverse

    def link(stay: Any) -> str:
        return f"{settings.SITE_URL}{reverse('exchange:stay', args=[stay.pk])}"

    stays = Stay.objects.select_related("application__applicant", "placement__supervisor")
    for stay in stays.filter(
        state__in=[StayState.ACCEPTED, StayState.PERMITS], planned_arrival__range=(today, soon)
    ):
        notifications.reminder(stay.application.applicant, ARRIVAL_SOON, ARRIVAL_TEXT, link(stay))
        sent.append(("arrival", stay.pk))
    for stay in stays.filter(state=StayState.ON_SITE):
        written = set(stay.reports.values_list("kind", "author_role"))
        for kind, due in report_due_dates(stay).items():
            if today <= due <= soon:
                for role, person in (
                    (ReportAuthor.FELLOW, stay.application.applicant),
                    (ReportAuthor.SUPERVISOR, stay.placement.supervisor),
                ):
                    if (kind, role) not in written:
                        notifications.reminder(person, REPORT_DUE, REPORT_TEXT, link(stay))
                        sent.append((f"report:{kind}:{role}", stay.pk))
        if today <= stay.planned_departure <= today + dt.timedelta(days=30):
            notifications.reminder(stay.application.applicant, ENDING, ENDING_TEXT, link(stay))
            sent.append(("ending", stay.pk))
    return sent
