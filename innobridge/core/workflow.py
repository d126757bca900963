"""Lifecycles as data: one transition table per lifecycle (state → action → target,
and who may take it), read by services, pages and the API alike.

An app declares its table in ``<app>/workflow.py``::

    PROPOSAL_FLOW = Workflow(
        "proposal",
        [
            Transition(DRAFT, "submit", SUBMITTED, {"lead"}, _("Submit")),
            Transition(DRAFT, "withdraw", WITHDRAWN, {"lead"}, _("Withdraw")),
            ...
        ],
        roles=proposal_roles,  # (user, obj) -> the set of role names the user holds on obj
    )

and its services move an object with :func:`innobridge.core.services.apply_transition`,
which locks the row, checks the table (state and role), changes the state and writes the
audit event in one transaction. Pages and the API ask ``flow.allowed(user, obj)`` for the
buttons and the ``actions`` field, so no view re-derives a rule by hand.

Role names are the app's own (``"lead"``, ``"officer"``, ``"manager"``, ``"system"`` …);
``SYSTEM`` is the actor name used by scheduled jobs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    who: frozenset[str] = field(default_factory=frozenset)
    label: Any = ""

    def __init__(
        self,
        source: str,
        action: str,
        target: str,
        who: Iterable[str] = (),
        label: Any = "",
    ) -> None:
        object.__setattr__(self, "source", str(source))
        object.__setattr__(self, "action", str(action))
        object.__setattr__(self, "target", str(target))
        object.__setattr__(self, "who", frozenset(who))
        object.__setattr__(self, "label", label or action)


RolesOf = Callable[[Any, Any], set[str]]


class Workflow:
    """A transition table. ``roles(user, obj)`` names what the user is on the object."""

    def __init__(
        self,
        name: str,
        transitions: Iterable[Transition],
        *,
        roles: RolesOf,
        state_attr: str = "state",
    ) -> None:
        self.name = name
        self.state_attr = state_attr
        self.roles = roles
        self.table: dict[str, dict[str, Transition]] = {}
        for t in transitions:
            edges = self.table.setdefault(t.source, {})
            if t.action in edges:
                raise ValueError(f"{name}: {t.source} --{t.action}--> declared twice")
            edges[t.action] = t

    # ------------------------------------------------------------------ reading
    def state_of(self, obj: Any) -> str:
        return str(getattr(obj, self.state_attr))

    @property
    def actions(self) -> set[str]:
        return {a for edges in self.table.values() for a in edges}

    @property
    def states(self) -> set[str]:
        return set(self.table) | {t.target for e in self.table.values() for t in e.values()}

    def sources(self, action: str) -> set[str]:
        """The states from which ``action`` may be taken (for queries and guards)."""
        return {s for s, edges in self.table.items() if action in edges}

    def edge(self, state: str, action: str) -> Transition | None:
        return self.table.get(str(state), {}).get(action)

    def can(self, user: Any, obj: Any, action: str) -> bool:
        t = self.edge(self.state_of(obj), action)
        return t is not None and bool(t.who & self.roles(user, obj))

    def allowed(self, user: Any, obj: Any) -> list[Transition]:
        """The transitions ``user`` may take on ``obj`` now, in table order."""
        held = self.roles(user, obj)
        return [t for t in self.table.get(self.state_of(obj), {}).values() if t.who & held]

    def allowed_actions(self, user: Any, obj: Any) -> list[str]:
        return [t.action for t in self.allowed(user, obj)]

    # ----------------------------------------------------------------- checking
    def check(self, user: Any, obj: Any, action: str) -> Transition:
        """The transition for ``action`` from ``obj``'s current state, or an error:
        ``ValidationError`` when the state does not allow it, ``PermissionDenied`` when
        the user holds none of the roles that may take it."""
        state = self.state_of(obj)
        t = self.edge(state, action)
        if t is None:
            display = getattr(obj, f"get_{self.state_attr}_display", None)
            raise ValidationError(
                _("This cannot be done while it is %(state)s.")
                % {"state": display() if callable(display) else state}
            )
        if not (t.who & self.roles(user, obj)):
            raise PermissionDenied(_("You may not do this."))
        return t
