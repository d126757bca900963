"""The web tier's cheap defaults (issue #17): templates are compiled once per process."""

from __future__ import annotations

from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader


def test_templates_are_compiled_once_per_process():
    # Django wraps the loaders in its cached loader when TEMPLATES sets no "loaders" (with
    # DEBUG on or off): a template is read and compiled on first use, then reused.
    loaders = engines["django"].engine.template_loaders
    assert len(loaders) == 1 and isinstance(loaders[0], CachedLoader)
    first = engines["django"].get_template("base.html").template
    assert engines["django"].get_template("base.html").template is first
