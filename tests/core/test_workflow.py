"""The transition-table mechanism every lifecycle uses (innobridge.core.workflow)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from innobridge.core.workflow import Transition, Workflow


@dataclass
class Thing:
    state: str
    owner: str


def roles(user: str, obj: Thing) -> set[str]:
    return {"owner"} if user == obj.owner else ({"officer"} if user == "boss" else set())


FLOW = Workflow(
    "thing",
    [
        Transition("draft", "submit", "submitted", {"owner"}),
        Transition("draft", "withdraw", "withdrawn", {"owner"}),
        Transition("submitted", "accept", "accepted", {"officer"}),
        Transition("submitted", "withdraw", "withdrawn", {"owner", "officer"}),
    ],
    roles=roles,
)


def test_allowed_actions_follow_state_and_role() -> None:
    t = Thing("draft", "ann")
    assert FLOW.allowed_actions("ann", t) == ["submit", "withdraw"]
    assert FLOW.allowed_actions("boss", t) == []
    t.state = "submitted"
    assert FLOW.allowed_actions("ann", t) == ["withdraw"]
    assert FLOW.allowed_actions("boss", t) == ["accept", "withdraw"]
    assert FLOW.sources("withdraw") == {"draft", "submitted"}
    assert FLOW.states == {"draft", "submitted", "accepted", "withdrawn"}


def test_check_refuses_wrong_state_and_wrong_person() -> None:
    t = Thing("accepted", "ann")
    with pytest.raises(ValidationError):
        FLOW.check("ann", t, "withdraw")
    t.state = "submitted"
    with pytest.raises(PermissionDenied):
        FLOW.check("ann", t, "accept")
    assert FLOW.check("boss", t, "accept").target == "accepted"


def test_an_edge_declared_twice_is_an_error() -> None:
    with pytest.raises(ValueError):
        Workflow(
            "bad",
            [Transition("a", "go", "b", {"x"}), Transition("a", "go", "c", {"x"})],
            roles=roles,
        )
