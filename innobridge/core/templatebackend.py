"""Django's template backend, with one deliberate replacement left out of its duplicate
check (issue #17): ``{% load i18n %}`` is mapped (``TEMPLATES[...]["OPTIONS"]["libraries"]``)
to ``innobridge.core.templatetags.memo_i18n``, Django's own i18n library with a
``{% translate %}`` that keeps a literal message's output per language. Django's check
(templates.W003) warns of any name used by two tag modules; this backend still warns of
every other one, and of ``i18n`` if it is mapped anywhere else."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.checks import Warning
from django.template.backends.django import DjangoTemplates, get_template_tag_modules

REPLACED = {"i18n": ("django.templatetags.i18n", "innobridge.core.templatetags.memo_i18n")}


class Templates(DjangoTemplates):
    def _check_for_template_tags_with_the_same_name(self) -> list[Any]:
        libraries: dict[str, set[str]] = defaultdict(set)
        for module_name, module_path in get_template_tag_modules():
            libraries[module_name].add(module_path)
        for module_name, module_path in self.engine.libraries.items():
            libraries[module_name].add(module_path)
        errors = []
        for library_name, items in libraries.items():
            if len(items) > 1 and items != set(REPLACED.get(library_name, ())):
                names = ", ".join(repr(item) for item in sorted(items))
                errors.append(
                    Warning(
                        f"{library_name!r} is used for multiple template tag modules: {names}",
                        obj=self,
                        id="templates.W003",
                    )
                )
        return errors
