from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Rebuild the researcher matching index from the database (var/index/researchers). "
        "The index in use serves until the new one is complete; an interrupted rebuild "
        "resumes from the embedding cache (nothing embedded twice)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch",
            type=int,
            default=32,
            help="researchers embedded per step (each step is cached; default 32)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        import time

        from innobridge.people import matching

        start = time.monotonic()
        try:
            n = matching.rebuild(progress=options["verbosity"] > 0, batch=max(1, options["batch"]))
        except KeyboardInterrupt:
            self.stderr.write(
                "Interrupted: the index in use is unchanged; run rebuild_index again to "
                "resume (embedded texts are cached)."
            )
            raise SystemExit(130) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {n} researchers in {time.monotonic() - start:.1f} s "
                f"({matching.index_dir()})."
            )
        )
