"""Places where one app offers an action on another app's page without importing it.

A pillar app (funding, say) must not be imported by ``people``, yet a researcher's
profile should offer "Invite to a proposal". The pillar app registers a provider here in
its ``AppConfig.ready()``; the people pages ask ``person_actions(viewer, person)`` and
render what comes back. The arrows stay one way: pillar → core ← people.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PersonAction:
    """A link offered on a person's profile or search hit: ``label`` (translated),
    ``url``, and a ``key`` naming it (for tests and styling)."""

    key: str
    label: Any
    url: str


PersonActionProvider = Callable[[Any, Any], Iterable[PersonAction]]

_person_action_providers: dict[str, PersonActionProvider] = {}


def register_person_action(key: str, provider: PersonActionProvider) -> None:
    """Register ``provider(viewer, person) -> actions`` under ``key`` (registering the
    same key again replaces it, so a reloaded app does not add a second copy)."""
    _person_action_providers[key] = provider


def person_actions(viewer: Any, person: Any) -> list[PersonAction]:
    """Every action the registered apps offer ``viewer`` on ``person``, in registration
    order. Nothing for an anonymous viewer or for the person themself."""
    if not getattr(viewer, "is_authenticated", False) or getattr(viewer, "pk", None) == getattr(
        person, "pk", None
    ):
        return []
    actions: list[PersonAction] = []
    for provider in _person_action_providers.values():
        actions.extend(provider(viewer, person))
    return actions
