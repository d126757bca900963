from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Rebuild the researcher matching index from the database (var/index/researchers)."

    def handle(self, *args: Any, **options: Any) -> None:
        import time

        from innobridge.people import matching

        start = time.monotonic()
        n = matching.rebuild(progress=options["verbosity"] > 0)
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {n} researchers in {time.monotonic() - start:.1f} s "
                f"({matching.index_dir()})."
            )
        )
