"""The operator's command, ``innobridge``.

``innobridge match`` and ``innobridge assign`` are the matching engine's batch
interfaces, and ``innobridge build_engine`` builds the embedding model's engine for this
CPU: they run without Django. ``innobridge demo`` sets up and serves the
demo, ``innobridge serve`` serves, and every other word is a Django management
command (``innobridge migrate``, ``innobridge import_ror`` ...).
"""

from __future__ import annotations

import os
import sys

ENGINE_COMMANDS = {
    "match": "innobridge.matching.cli_match",
    "assign": "innobridge.matching.cli_assign",
    "build_engine": "innobridge.matching.native",
}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ENGINE_COMMANDS:
        import importlib

        module = importlib.import_module(ENGINE_COMMANDS[args[0]])
        return int(module.main(args[1:]) or 0)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innobridge.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["innobridge", *args])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
