"""Background tasks of the facilities app (run in process in the embedded mode, by
``innobridge db_worker`` in production, so a slow mail server never holds up a page)."""

from __future__ import annotations

from django.core.mail import send_mail
from django_tasks import task


@task()
def send_booking_mail(subject: str, body: str, recipients: list[str]) -> int:
    """Send one booking message (already written in its recipient's language)."""
    return send_mail(subject, body, None, recipients, fail_silently=True)
