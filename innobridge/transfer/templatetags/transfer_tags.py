"""Template helpers of the transfer pages."""

from __future__ import annotations

from typing import Any

from django import template

from .. import permissions as perm

register = template.Library()


@register.filter
def decides_membership_requests(user: Any) -> bool:
    """Whether ``user`` approves requests to act for an organisation (administrators)."""
    return perm.can_decide_membership_requests(user)


@register.filter
def is_enterprise_member(user: Any) -> bool:
    """Whether ``user`` belongs to a registered company (it then has a matches page)."""
    return bool(perm.enterprise_organisation_ids(user))
