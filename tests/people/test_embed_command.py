"""``innobridge embed``: the shard job from the database or a JSON Lines export, then the
index built from the shards without embedding anything again."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from innobridge.people import matching
from tests.matching import _counting

from .test_index_rebuild import people  # noqa: F401  (fixture)

COUNTING = "tests.matching._counting.CountingEmbedder"


def test_embed_from_the_database_then_index_from_the_shards(people, settings) -> None:  # noqa: F811
    settings.MATCHING_EMBEDDER = COUNTING
    _counting.EMBEDDED.clear()
    out = StringIO()
    call_command("embed", "--no-ray", "--shard-size", "5", stdout=out)
    text = out.getvalue()
    assert "0 already done" in text and "Indexed 8 researchers from the shards" in text
    embedded = list(_counting.EMBEDDED)
    assert embedded and len(embedded) == len(set(embedded))  # each unit once
    shards = Path(settings.VAR_DIR) / "embed-shards"
    manifest = json.loads((shards / "manifest.json").read_text())
    assert sum(s["n"] for s in manifest["shards"]) == len(embedded)
    assert len(matching.get_index()) == 8
    # run again: every shard skipped, nothing embedded
    _counting.EMBEDDED.clear()
    out = StringIO()
    call_command("embed", "--no-ray", "--shard-size", "5", stdout=out)
    assert f"({len(manifest['shards'])} already done)" in out.getvalue()
    assert _counting.EMBEDDED == []


def test_embed_a_jsonl_export(tmp_path: Path, settings: Any) -> None:
    settings.MATCHING_EMBEDDER = COUNTING
    export = tmp_path / "texts.jsonl"
    export.write_text(
        json.dumps({"id": "a", "texts": ["Graph theory. Planar graphs.", "电池材料"]})
        + "\n"
        + json.dumps({"id": "b", "text": "Graph theory. Planar graphs."})
        + "\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command(
        "embed", "--jsonl", str(export), "--no-ray", "--out", str(tmp_path / "s"), stdout=out
    )
    assert "vectors in the cache" in out.getvalue() and "Indexed" not in out.getvalue()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a"}\n', encoding="utf-8")
    with pytest.raises(CommandError, match="line 1"):
        call_command("embed", "--jsonl", str(bad), "--no-ray")
