"""Every API schema has its own name: OpenAPI components are keyed by the class name, so
two apps' ``PartnerOut`` (or ``ReportIn``…) would make /api/docs show one app's shape for
the other's endpoint and the response checks validate against the wrong one."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema

from innobridge.api import api


def _subclasses(cls: type) -> set[type]:
    out = set()
    for sub in cls.__subclasses__():
        out.add(sub)
        out |= _subclasses(sub)
    return out


def test_no_two_api_schemas_share_a_name() -> None:
    api.get_openapi_schema()  # every router's schemas imported and registered
    modules: dict[str, set[str]] = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("innobridge."):
            modules[cls.__name__].add(cls.__module__)
    clashes = {name: sorted(mods) for name, mods in modules.items() if len(mods) > 1}
    assert clashes == {}
