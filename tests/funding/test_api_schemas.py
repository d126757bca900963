"""Every endpoint of the funding API declares the shape of its answer, so /api/docs shows
it (and the schemathesis run in tests/api checks every answer against it)."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client


def _funding_operations(client: Client) -> list[tuple[str, str, dict[str, Any]]]:
    raw = client.get("/api/openapi.json").content
    # one key per status: a JSON object with a repeated key would lose one silently
    json.loads(raw, object_pairs_hook=_no_repeats)
    schema = json.loads(raw)
    return [
        (method, path, op)
        for path, ops in schema["paths"].items()
        if path.startswith("/api/funding/")
        for method, op in ops.items()
    ]


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), keys
    return dict(pairs)


def test_every_funding_operation_declares_its_answer(client: Client) -> None:
    operations = _funding_operations(client)
    assert len(operations) >= 56
    untyped = []
    for method, path, op in operations:
        ok = {k: v for k, v in op["responses"].items() if k.startswith("2")}
        assert ok, (method, path)
        for status, answer in ok.items():
            if status == "204":
                assert "content" not in answer
                continue
            shape = json.dumps(answer["content"]["application/json"]["schema"])
            if "#/components/schemas/" not in shape:
                untyped.append(f"{method.upper()} {path} {status}: {shape}")
        for status in ("403", "422"):
            assert op["responses"][status]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"
            }, (method, path, status)
    assert not untyped, "\n".join(untyped)


def test_the_shapes_name_their_fields(client: Client) -> None:
    components = client.get("/api/openapi.json").json()["components"]["schemas"]
    proposal = components["ProposalOut"]["properties"]
    assert {"id", "state", "actions", "members", "budget", "decisions", "problems"} <= set(proposal)
    assert proposal["actions"]["description"].startswith("What the caller may do")
    call = components["CallOut"]["properties"]
    assert call["sides"]["items"] == {"$ref": "#/components/schemas/CallSideOut"}
    assert "detail" in components["Error"]["properties"]
