"""Every endpoint of every app declares its shapes: a 2xx answer in JSON names a schema
(``/api/docs`` shows it; the schemathesis run checks answers against it) and a request
body is a schema too (or a file upload). ``tests/funding/test_api_schemas.py`` checks
funding's error statuses in more detail."""

from __future__ import annotations

import json
from typing import Annotated, Any

from ninja import Body, NinjaAPI, Schema

from innobridge.api import api


def _untyped(schema: dict[str, Any]) -> list[str]:
    """The operations of an OpenAPI document whose answer or input has no schema."""
    schema = json.loads(json.dumps(schema, default=str))
    out = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            where = f"{method.upper()} {path}"
            ok = {k: v for k, v in op["responses"].items() if k.startswith("2")}
            if not ok:
                out.append(f"{where}: no success answer declared")
            for status, answer in ok.items():
                if status == "204":
                    continue
                content = answer.get("content") or {}
                if not content:
                    out.append(f"{where} {status}: no content declared")
                for kind, body in content.items():
                    shape = json.dumps(body.get("schema", {}))
                    if kind == "application/json" and "#/components/schemas/" not in shape:
                        out.append(f"{where} {status}: {shape}")
            for kind, body in (op.get("requestBody") or {}).get("content", {}).items():
                shape = json.dumps(body.get("schema", {}))
                if "#/components/schemas/" not in shape and '"format": "binary"' not in shape:
                    out.append(f"{where} input {kind}: {shape}")
    return out


def test_every_operation_declares_its_answer_and_its_input() -> None:
    schema = api.get_openapi_schema()
    prefixes = {path.split("/")[2] for path in schema["paths"]}
    assert {"funding", "facilities", "transfer", "exchange", "plan", "researchers"} <= prefixes
    assert sum(len(ops) for ops in schema["paths"].values()) >= 190
    untyped = _untyped(schema)
    assert not untyped, "\n".join(untyped)


class ProbeIn(Schema):
    n: int


class ProbeOut(Schema):
    n: int


def test_the_check_sees_an_untyped_answer_or_input() -> None:
    probe = NinjaAPI(urls_namespace="probe_untyped")

    @probe.post("/typed", response={200: ProbeOut})
    def typed(request: Any, data: ProbeIn) -> dict[str, int]:
        return {"n": data.n}

    @probe.post("/untyped", response={200: dict})
    def untyped(request: Any, data: Annotated[dict[str, Any], Body(...)]) -> dict[str, Any]:
        return data

    found = _untyped(probe.get_openapi_schema(path_prefix="/api/"))
    assert [line.split(":")[0] for line in found] == [
        "POST /api/untyped 200",
        "POST /api/untyped input application/json",
    ]
