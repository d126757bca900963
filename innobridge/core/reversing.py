"""``reverse()`` that remembers the addresses it made (issue #17).

Django's ``reverse()`` costs ~30 µs of CPU, and a signed-in page makes a dozen or more
(the header's menu, a list's links, ``get_absolute_url``). An address is a function of the
view name, the arguments, the current namespace, the URLconf, the script prefix and the
language, so it is kept per process under all of them and made once. Only arguments that
are strings or integers are remembered (an object's ``str()`` may change under the same
key; a template's quoted literal is a ``SafeString``, a string too); anything else, and a
reverse that fails, is Django's ``reverse()`` as before. The memory is bounded (emptied
when it holds :data:`LIMIT` addresses) and emptied when a setting changes (tests that swap
the URLconf). ``{% url %}`` uses it too
(``core/templatetags/memo.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language

LIMIT = 20_000
_addresses: dict[tuple[Any, ...], str] = {}
_lock = threading.Lock()


# ``{% url "home" %}`` resolves its quoted view name (and quoted arguments) to a
# SafeString: without it here, no address made by the tag would be remembered.
STRING_TYPES = (str, SafeString)
PLAIN_TYPES = (*STRING_TYPES, int)


def _plain(value: Any) -> bool:
    return type(value) in PLAIN_TYPES


def reverse(
    viewname: str,
    args: Sequence[Any] | None = None,
    kwargs: dict[str, Any] | None = None,
    current_app: str | None = None,
) -> str:
    """Django's ``reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)``,
    kept per process when the view is named by a string and every argument is a string or
    an integer."""
    args = args or ()
    kwargs = kwargs or {}
    if not (
        type(viewname) in STRING_TYPES
        and all(_plain(a) for a in args)
        and all(_plain(v) for v in kwargs.values())
    ):
        return django_reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
    key = (
        viewname,  # a SafeString equals and hashes as its plain text
        tuple(args),
        tuple(sorted(kwargs.items())),
        current_app,
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
        get_language(),
    )
    url = _addresses.get(key)
    if url is None:
        url = django_reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
        with _lock:
            if len(_addresses) >= LIMIT:
                _addresses.clear()
            _addresses[key] = url
    return url


def forget(**kwargs: Any) -> None:
    """Every remembered address is made again from now on."""
    with _lock:
        _addresses.clear()


setting_changed.connect(forget, dispatch_uid="innobridge.core.reversing.forget")
