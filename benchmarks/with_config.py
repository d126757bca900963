"""Run a benchmark script with the engine's default configuration changed, to measure a
setting before it becomes the default (e.g. ``whole_text_vector``, issue 17).

    .venv/bin/python benchmarks/with_config.py whole_text_vector=mean -- \
        benchmarks/crosslingual.py --models e5 --out /tmp/crosslingual_mean.json

Each ``FIELD=VALUE`` replaces that field of ``innobridge.matching.affinity.DEFAULT_CONFIG``
in place (the one object every module imported) and of the ``AffinityConfig`` constructor's
defaults, so ``SearchIndex``, ``affinity_matrix`` and the scripts' own ``DEFAULT_CONFIG``
all see it; then the script runs as ``__main__`` with the arguments after ``--``.
"""

from __future__ import annotations

import dataclasses
import runpy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from innobridge.matching import affinity


def apply(settings: dict[str, str]) -> None:
    cfg = affinity.DEFAULT_CONFIG
    fields = [f for f in dataclasses.fields(cfg) if f.init]
    defaults = list(affinity.AffinityConfig.__init__.__defaults__ or ())
    for name, raw in settings.items():
        cur = getattr(cfg, name)
        value = raw.lower() in ("1", "true") if isinstance(cur, bool) else type(cur)(raw)
        object.__setattr__(cfg, name, value)
        i = [f.name for f in fields].index(name) - (len(fields) - len(defaults))
        defaults[i] = value
    affinity.AffinityConfig.__init__.__defaults__ = tuple(defaults)
    cfg.__post_init__()


def main(argv: list[str]) -> int:
    if "--" not in argv:
        raise SystemExit(__doc__)
    cut = argv.index("--")
    apply(dict(a.split("=", 1) for a in argv[:cut]))
    script, *rest = argv[cut + 1 :]
    sys.argv = [script, *rest]
    runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
