"""``get_FOO_display()`` with each field's labels kept per language (issue #17).

Django's ``Model._get_FIELD_display`` builds a dict of the field's choices on every call:
it flattens them and makes each pair hashable, which hashes, and so translates, every
lazy label. A status shown in a table row cost ~15–40 µs, 3.6 % of the CPU of the load
mix of ``benchmarks/load.py`` (``benchmarks/README.md``, eleventh round).

:func:`install` (called by ``CoreConfig.ready()``, once every model class exists) replaces
each model's ``get_FOO_display`` that Django made (a ``partialmethod`` of
``Model._get_FIELD_display``; a method a model defines itself is left alone) with
:func:`label_of`, which answers as Django's does from the field's labels in the active
language, made at the first call and kept per field and language. Choices given as a
callable (which may change while the process runs) are read afresh each time, as Django
does.
"""

from __future__ import annotations

from functools import partialmethod
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language

_LABELS: dict[tuple[int, str | None], dict[Any, Any]] = {}


def _labels(field: Any) -> dict[Any, Any]:
    return {
        make_hashable(value): force_str(label, strings_only=True)
        for value, label in field.flatchoices
    }


def label_of(instance: models.Model, *, field: Any) -> Any:
    """What Django's ``Model._get_FIELD_display(field)`` returns."""
    value = getattr(instance, field.attname)
    if not isinstance(field.choices, list | tuple):  # a callable's, read each time
        labels = _labels(field)
    else:
        key = (id(field), get_language())
        labels = _LABELS.get(key)  # type: ignore[assignment]
        if labels is None:
            labels = _LABELS[key] = _labels(field)
    try:
        return labels[make_hashable(value)]
    except KeyError:  # not one of the choices: the value itself, as Django shows it
        return force_str(value, strings_only=True)


def install() -> int:
    """Put :func:`label_of` behind every ``get_FOO_display`` Django made; how many."""
    django_display = models.Model._get_FIELD_display  # type: ignore[attr-defined]
    replaced = 0
    for model in apps.get_models(include_auto_created=True):
        for name, attribute in list(vars(model).items()):
            if (
                name.startswith("get_")
                and name.endswith("_display")
                and isinstance(attribute, partialmethod)
                and attribute.func is django_display
            ):
                setattr(model, name, partialmethod(label_of, **attribute.keywords))
                replaced += 1
    return replaced
