"""Run every ``bench_*.py`` in this folder, one after the other.

Usage::

    python benchmarks/run_all.py [--quick] [--only NAME ...] [-- EXTRA ARGS]

``--quick`` is passed to every benchmark that accepts it (its ``--help`` mentions it); anything
after ``--`` is passed to every benchmark as is. The exit code is 1 when any benchmark failed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def benchmarks(only: list[str] | None = None) -> list[Path]:
    """The benchmark scripts, in name order (``bench_engine.py``, ``bench_prim.py``...)."""
    found = sorted(HERE.glob("bench_*.py"))
    if only:
        wanted = {name.removeprefix("bench_").removesuffix(".py") for name in only}
        found = [p for p in found if p.stem.removeprefix("bench_") in wanted]
    return found


def accepts(script: Path, option: str) -> bool:
    try:
        proc = subprocess.run(
            [sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=120, cwd=HERE.parent
        )
    except subprocess.TimeoutExpired:
        return False
    return proc.returncode == 0 and option in proc.stdout


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1 :]
    parser = argparse.ArgumentParser(description="Run every bench_*.py in benchmarks/.")
    parser.add_argument("--quick", action="store_true", help="small sizes (passed to benchmarks that accept it)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these (e.g. engine prim)")
    args = parser.parse_args(argv)

    scripts = benchmarks(args.only)
    if not scripts:
        print("no benchmark found", file=sys.stderr)
        return 1
    failed: list[str] = []
    summary: list[tuple[str, str, float]] = []
    for script in scripts:
        cmd = [sys.executable, str(script)]
        if args.quick:
            if accepts(script, "--quick"):
                cmd.append("--quick")
            else:
                print(f"note: {script.name} has no --quick; running it at its full size", flush=True)
        cmd += extra
        print(f"\n=== {script.name} ===", flush=True)
        start = time.perf_counter()
        code = subprocess.call(cmd, cwd=HERE.parent)
        wall = time.perf_counter() - start
        status = "ok" if code == 0 else f"exit {code}"
        summary.append((script.name, status, wall))
        if code != 0:
            failed.append(script.name)
    print("\n=== summary ===")
    for name, status, wall in summary:
        print(f"{name:24s} {status:8s} {wall:8.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
