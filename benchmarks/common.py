"""Helpers shared by the benchmarks: isolated runs with peak memory, medians, a markdown table.

Every measured configuration runs in a fresh Python process (:func:`run_isolated`), so that one
configuration's imports, caches and memory do not leak into the next. The parent samples the
resident memory of that process and all its descendants (worker processes included) and keeps
the peak of their sum; the child reports its own timing as one JSON line on stdout.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

RESULT_MARK = "BENCH_RESULT "
"""Prefix of the JSON line a child process prints with its measurements."""

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def emit(result: dict[str, Any]) -> None:
    """Print a child's measurements for :func:`run_isolated` to read."""
    print(RESULT_MARK + json.dumps(result), flush=True)


def _tree_rss(proc) -> int:
    import psutil

    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:  # a worker that just exited
            pass
    return total


def run_isolated(args: Sequence[str], *, timeout: float | None = None, interval: float = 0.02) -> dict[str, Any]:
    """Run ``python args...`` in a fresh process; return its result plus ``peak_rss``.

    ``peak_rss`` (bytes) is the highest sum of the resident set sizes of the process and all its
    descendants, sampled every ``interval`` seconds. Summing counts pages shared between
    processes (the numpy library, copy-on-write pages of forked workers) once per process, so
    it errs high, the same way for every configuration.

    Raises
    ------
    RuntimeError
        When the child fails or prints no result; the message holds the end of its stderr.
    """
    import psutil

    env = dict(os.environ)
    # Benchmarks measure one process (or a stated number of workers): no hidden BLAS threads.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    env["PYTHONWARNINGS"] = "ignore"
    started = time.perf_counter()
    proc = psutil.Popen(
        [sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env
    )
    # Read the pipes in threads so a chatty child cannot block on a full pipe while sampled.
    import threading

    chunks: dict[str, list[str]] = {"out": [], "err": []}

    def pump(stream, key):
        for line in stream:
            chunks[key].append(line)

    threads = [
        threading.Thread(target=pump, args=(proc.stdout, "out"), daemon=True),
        threading.Thread(target=pump, args=(proc.stderr, "err"), daemon=True),
    ]
    for t in threads:
        t.start()
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc))
        if timeout is not None and time.perf_counter() - started > timeout:
            for child in proc.children(recursive=True):
                child.kill()
            proc.kill()
            raise RuntimeError(f"timed out after {timeout:.0f} s: {' '.join(args)}")
        time.sleep(interval)
    for t in threads:
        t.join()
    stdout, stderr = "".join(chunks["out"]), "".join(chunks["err"])
    lines = [line for line in stdout.splitlines() if line.startswith(RESULT_MARK)]
    if proc.returncode != 0 or not lines:
        tail = "\n".join(stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"{' '.join(args)} failed (exit {proc.returncode}):\n{tail}")
    result = json.loads(lines[-1][len(RESULT_MARK) :])
    result["peak_rss"] = peak
    return result


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def fmt_int(value: float) -> str:
    return f"{value:,.0f}"


def fmt_rate(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def fmt_mb(nbytes: float) -> str:
    return f"{nbytes / 2**20:,.0f}"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub markdown table; numbers should come formatted as strings."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"  # noqa: E731
    out = [line(cells[0]), "| " + " | ".join("-" * w for w in widths) + " |"]
    out += [line(r) for r in cells[1:]]
    return "\n".join(out)


def machine() -> str:
    """One line describing where the figures were measured."""
    import platform

    try:
        import psutil

        mem = f", {psutil.virtual_memory().total / 2**30:.0f} GiB RAM"
    except ImportError:
        mem = ""
    load = ""
    if hasattr(os, "getloadavg"):
        load = ", load average {:.1f}".format(os.getloadavg()[0])
    return f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs{mem}{load}"


def add_common_args(parser) -> None:
    """The options every benchmark script takes (and the hidden ones of its child processes)."""
    import argparse
    from pathlib import Path

    parser.add_argument("--quick", action="store_true", help="small sizes, to check that everything runs")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each configuration (default 3; medians are shown)")
    parser.add_argument("--only", default="abc", help="which benchmarks to run, e.g. 'a' or 'bc' (default abc)")
    parser.add_argument("--json", type=Path, help="also write every measurement to this JSON file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)


def check_common_args(parser, args) -> None:
    """Refuse bad values of the common options with argparse's own message (exit 2)."""
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if set(args.only) - set("abc") or not args.only:
        parser.error("--only takes letters among a, b, c")


def round_robin(names: Sequence[str], repeats: int, command: Any, width: int = 12) -> dict[str, list[dict[str, Any]]]:
    """Run each configuration ``repeats`` times in fresh processes, in turns, printing each run.

    Turns (a, b, c, a, b, c, ...) rather than blocks, so that a change in the shared machine's
    load hits every configuration. ``command(name)`` gives the child's command line.
    """
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for r in range(repeats):
        for name in names:
            result = run_isolated(command(name))
            runs[name].append(result)
            rate = result["experiments"] / result["wall"]
            print(
                f"  run {r + 1}/{repeats} {name:{width}s} {fmt_int(result['experiments']):>12s} exp "
                f"{result['wall']:8.2f} s {fmt_rate(rate):>12s} exp/s  peak RSS {fmt_mb(result['peak_rss']):>6s} MB",
                flush=True,
            )
    return runs


def summarise(runs: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, float]]:
    """Medians per configuration: wall time, rate, peak RSS (and the largest peak RSS seen)."""
    return {
        name: {
            "experiments": results[0]["experiments"],
            "wall": median([x["wall"] for x in results]),
            "rate": median([x["experiments"] / x["wall"] for x in results]),
            "peak_rss": median([x["peak_rss"] for x in results]),
            "max_peak_rss": max(x["peak_rss"] for x in results),
        }
        for name, results in runs.items()
    }
