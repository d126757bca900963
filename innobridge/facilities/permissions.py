"""Who may do what in the facilities app: ``can_<verb>_<noun>(user, obj) -> bool`` and
``require_<verb>_<noun>(user, obj)`` raising ``PermissionDenied``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from innobridge.core.permissions import Role, can_act_as

from .models import Booking, Charge, Facility


def can_manage_facility(user: Any, facility: Facility) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if can_act_as(user, Role.ADMINISTRATOR):
        return True
    return can_act_as(user, Role.FACILITY_MANAGER) and facility.managers.filter(pk=user.pk).exists()


def require_manage_facility(user: Any, facility: Facility) -> None:
    if not can_manage_facility(user, facility):
        raise PermissionDenied(_("Only a manager of this facility may do this."))


def can_publish_facility(user: Any) -> bool:
    """Whether ``user`` may create a facility (facility managers and administrators)."""
    return can_act_as(user, Role.FACILITY_MANAGER) or can_act_as(user, Role.ADMINISTRATOR)


def require_publish_facility(user: Any) -> None:
    if not can_publish_facility(user):
        raise PermissionDenied(_("Only facility managers and administrators publish facilities."))


def can_cancel_booking(user: Any, booking: Booking) -> bool:
    """The booker or a manager of the facility."""
    if getattr(user, "pk", None) is not None and user.pk == booking.booker_id:
        return True
    return can_manage_facility(user, booking.resource.facility)


def require_cancel_booking(user: Any, booking: Booking) -> None:
    if not can_cancel_booking(user, booking):
        raise PermissionDenied(_("Only the booker or a facility manager may cancel."))


def can_dispute_charge(user: Any, charge: Charge) -> bool:
    return getattr(user, "pk", None) is not None and user.pk == charge.payer_id


def require_dispute_charge(user: Any, charge: Charge) -> None:
    if not can_dispute_charge(user, charge):
        raise PermissionDenied(_("Only the payer may dispute a charge."))
