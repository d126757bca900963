"""What the facilities forms share."""

from __future__ import annotations

from typing import Any

# The longest free text a person writes on a booking, usage, rejection or dispute (the
# same limit in the forms and the API).
PURPOSE_MAX = 2000


def _find_person(text: str) -> Any:
    """A typed user name or e-mail address (people's one resolver of typed handles)."""
    from innobridge.people.selectors import person_by_handle

    return person_by_handle(text)
