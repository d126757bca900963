"""Background tasks of the transfer app (in process in the embedded mode, by
``innobridge db_worker`` in production): matching after a change, and mail."""

from __future__ import annotations

from django.core.mail import send_mail
from django_tasks import task


@task()
def match_offer(offer_id: int) -> int:
    """Find strong demands for a new or changed offer and tell both sides."""
    from .models import Offer
    from .services import find_matches_for_offer

    offer = Offer.objects.filter(pk=offer_id).first()
    return len(find_matches_for_offer(offer)) if offer is not None else 0


@task()
def match_demand(demand_id: int) -> int:
    """Find strong offers for a new or changed demand and tell both sides."""
    from .models import Demand
    from .services import find_matches_for_demand

    demand = Demand.objects.filter(pk=demand_id).first()
    return len(find_matches_for_demand(demand)) if demand is not None else 0


@task()
def send_transfer_mail(subject: str, body: str, recipients: list[str]) -> int:
    """Send one message (already written in its recipient's language)."""
    return send_mail(subject, body, None, recipients, fail_silently=True)
