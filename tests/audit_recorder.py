"""A session-wide recorder of the audit actions the test suite writes.

Registered by ``tests/conftest.py``. Every ``AuditEvent`` saved during the run (by any
test, in any thread, the live server of the browser journeys included) adds its action
to a set. At the end of a run of the WHOLE suite, every action registered in an app's
``innobridge/<app>/audit.py`` (every ``models.TextChoices`` there) must have been written
at least once; the run fails naming the actions nobody wrote. A run of a subset (paths,
``-k``, ``-m``, ``--lf``, ``--deselect``, ``-x``) checks nothing, unless
``INNOBRIDGE_AUDIT_CHECK=app1,app2`` asks for those apps' registries to be checked anyway
(e.g. ``INNOBRIDGE_AUDIT_CHECK=facilities pytest tests/facilities``).

With pytest-xdist each worker records its own set and hands it to the controller
(``workeroutput``), which checks the union.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

import pytest

KEY = "innobridge_audit_actions"


def registered_actions() -> dict[str, str]:
    """Every registered audit action value → ``<module>.<Class>.<MEMBER>``, from the
    ``audit`` module of every installed ``innobridge.*`` app."""
    from django.apps import apps
    from django.db import models

    found: dict[str, str] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("innobridge."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.audit")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.audit":
                continue
            raise
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, models.TextChoices)
                and value.__module__ == module.__name__
            ):
                for member in value:
                    found[member.value] = f"{module.__name__}.{value.__name__}.{member.name}"
    return found


class AuditRecorder:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.seen: set[str] = set()
        self.connected = False

    # --- recording (every process that runs tests) ------------------------------
    def _record(self, sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
        if created:
            self.seen.add(str(instance.action))

    @pytest.hookimpl(trylast=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        try:
            from django.db.models.signals import post_save

            from innobridge.core.models import AuditEvent
        except Exception:  # Django not configured (e.g. -p no:django for the engine)
            return
        post_save.connect(self._record, sender=AuditEvent, weak=False)
        self.connected = True

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        workeroutput = getattr(self.config, "workeroutput", None)
        if workeroutput is not None:  # an xdist worker: hand the set to the controller
            workeroutput[KEY] = sorted(self.seen)
            return
        self._check(session)

    # --- xdist controller ------------------------------------------------------
    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        self.seen.update(getattr(node, "workeroutput", {}).get(KEY, []))

    # --- the check --------------------------------------------------------------
    def _whole_suite(self) -> bool:
        opt = self.config.option
        if getattr(opt, "keyword", "") or getattr(opt, "markexpr", ""):
            return False
        if getattr(opt, "deselect", None) or getattr(opt, "lf", False):
            return False
        if getattr(opt, "maxfail", 0):
            return False
        root = Path(str(self.config.rootpath))
        allowed = {root, root / "tests"}
        return all(Path(a.split("::")[0]).resolve() in allowed for a in self.config.args)

    def missing(self, apps: set[str] | None = None) -> list[str]:
        registry = registered_actions()
        return sorted(
            f"{value} ({where})"
            for value, where in registry.items()
            if value not in self.seen and (apps is None or value.split(".")[0] in apps)
        )

    def _check(self, session: pytest.Session) -> None:
        forced = {a.strip() for a in os.environ.get("INNOBRIDGE_AUDIT_CHECK", "").split(",")}
        forced.discard("")
        if not forced and not self._whole_suite():
            return
        if session.testsfailed or session.shouldfail or session.shouldstop:
            return
        try:
            missing = self.missing(forced or None)
        except Exception:  # Django not set up in this run: nothing to check
            return
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if missing:
            if reporter is not None:
                reporter.write_line(
                    "audit registry: these registered actions are written by no test "
                    "(tests/audit_recorder.py):",
                    red=True,
                )
                for line in missing:
                    reporter.write_line(f"  {line}", red=True)
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        elif reporter is not None:
            reporter.write_line("audit registry: every registered action is written by a test")
