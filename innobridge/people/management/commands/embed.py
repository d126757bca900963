"""``innobridge embed``: embed the researcher texts as a batch job over shards — on a local
Ray (default), on a Ray cluster (``--address``), or in this process (``--no-ray``) — then
build the researcher index from the shards (nothing embedded twice).

Texts come from the database (every public researcher's document, as the index sees it)
or from a JSON Lines export (``--jsonl``: one ``{"id": ..., "text": ...}`` or
``{"id": ..., "texts": [...]}`` per line), for a data team embedding outside the platform.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Embed researcher texts as a (Ray) job over shards, then build the index from them. "
        "Resumable: shards already written are skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--jsonl", help="embed the texts of this JSON Lines export instead")
        parser.add_argument(
            "--out",
            help="directory of the vector shards and manifest (default VAR_DIR/embed-shards; "
            "on a cluster: a path every node can write, e.g. a shared file system)",
        )
        parser.add_argument("--address", help="Ray cluster address (default: a local Ray)")
        parser.add_argument("--workers", type=int, default=2, help="local Ray CPUs (2)")
        parser.add_argument("--shard-size", type=int, default=256, help="units per shard")
        parser.add_argument("--no-ray", action="store_true", help="run the shards in process")
        parser.add_argument(
            "--no-index", action="store_true", help="only write the shards and fill the cache"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from tqdm import tqdm

        from innobridge.matching.embed import EmbeddingCache
        from innobridge.matching.shards import import_shards, run_job
        from innobridge.people import matching

        if options["workers"] < 1 or options["shard_size"] < 1:
            raise CommandError("--workers and --shard-size must be at least 1")
        texts = self._texts(options["jsonl"])
        out = Path(options["out"] or Path(settings.VAR_DIR) / "embed-shards")
        spec = getattr(settings, "MATCHING_EMBEDDER", "e5")
        bar = tqdm(desc="embed shards", unit="shard", disable=options["verbosity"] < 1)

        def advance(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        try:
            report = run_job(
                texts,
                out,
                embedder=spec,
                address=options["address"],
                workers=options["workers"],
                shard_size=options["shard_size"],
                use_ray=not options["no_ray"],
                progress=advance,
            )
        except ImportError as exc:
            raise CommandError(
                "Ray is not installed: `uv sync --group ray` (or use --no-ray)"
            ) from exc
        finally:
            bar.close()
        cache = EmbeddingCache(matching.cache_dir())
        try:
            n = import_shards(out, cache)
        finally:
            cache.close()
        self.stdout.write(
            f"{report.units} units in {report.shards} shards ({report.skipped} already done), "
            f"{report.embedded} embedded by {report.mode} in {report.seconds:.1f} s; "
            f"{n} vectors in the cache ({out})."
        )
        if options["jsonl"] or options["no_index"]:
            return
        size = matching.rebuild(progress=options["verbosity"] > 0)
        self.stdout.write(self.style.SUCCESS(f"Indexed {size} researchers from the shards."))

    def _texts(self, jsonl: str | None) -> list[str]:
        if jsonl:
            from innobridge.matching.cli_match import InputError, _read_jsonl, _texts

            try:
                return [
                    t for n, obj in _read_jsonl(jsonl, "texts") for t in _texts(jsonl, n, obj)[1]
                ]
            except InputError as exc:
                raise CommandError(str(exc)) from exc
        from innobridge.people import matching

        docs = (matching.researcher_document(p) for p in matching._indexable())
        return [t for d in docs if d is not None for t in d.texts]
