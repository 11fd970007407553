"""Benchmark: articles per second ingested and extracted, on one core, into a fresh SQLite store.

The corpus is the eighteen test articles (``tests/fixtures/articles/dev``), plus with ``--shared``
the annotated real articles of ``../shared/data/articles`` when present, repeated ``--repeat``
times; each repetition gets a one-line suffix so it is a new document (not an exact copy) and
goes through the whole pipeline: reading, hashing, the same-story check, extraction, the check of
each force claim against the fact base, and storage. Each run uses a new store holding the
shipped fact base; the median of ``--runs`` runs is reported (target: >= 20 articles/s).

    python benchmarks/bench_ingest.py [--repeat 6] [--runs 3] [--shared] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "tests" / "fixtures" / "articles" / "dev"
SHARED = ROOT.parent / "shared" / "data" / "articles"
TARGET = 20.0


def corpus(folder: Path, repeat: int, shared: bool = False) -> int:
    """Write the articles ``repeat`` times into ``folder``; returns how many files."""
    texts = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(DEV.glob("*.txt"))]
    if shared and SHARED.is_dir():
        texts += [(f"shared-{p.stem}", p.read_text(encoding="utf-8")) for p in sorted((SHARED / "dev").glob("*.txt"))]
        rfe = SHARED / "rfe-kfor-us-troops.txt"
        if rfe.is_file():
            texts.append(("rfe", "URL: https://rfe.example/kfor\nDATE: 2025-03\n\n" + rfe.read_text(encoding="utf-8")))
    n = 0
    for r in range(repeat):
        for stem, text in texts:
            suffix = f"\n\n(Republished, copy {r}.)" if r else ""
            (folder / f"{r:03d}-{stem}.txt").write_text(text + suffix, encoding="utf-8")
            n += 1
    return n


def one_run(folder: Path, n: int) -> dict:
    from forewarn.evidence import open_store
    from forewarn.monitor.ingest import extractor_available, ingest

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bench.db")  # the fact base: claims are checked against it
        t0 = time.perf_counter()
        report = ingest(folder, store)
        dt = time.perf_counter() - t0
        counts = store.counts()
        store.close()
    assert report.ok and counts["documents"] == n, report.counts()
    return {
        "seconds": dt,
        "articles_per_s": n / dt,
        "statuses": report.counts(),
        "items": counts["quotes"] + counts["force_claims"] + counts["events"],
        "extractor": extractor_available(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=6)
    ap.add_argument("--shared", action="store_true", help="add the annotated real articles of ../shared when present")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", action="store_true", help="print one JSON line")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as documented
    # Warm up imports (trafilatura, dateparser, the extractor's tables) outside the timing.
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        one_run(folder, corpus(folder, 1, args.shared))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        n = corpus(folder, args.repeat, args.shared)
        runs = [one_run(folder, n) for _ in range(args.runs)]
    rate = statistics.median(r["articles_per_s"] for r in runs)
    result = {
        "benchmark": "ingest",
        "articles": n,
        "runs": args.runs,
        "median_articles_per_s": round(rate, 1),
        "all_articles_per_s": [round(r["articles_per_s"], 1) for r in runs],
        "items_per_run": runs[0]["items"],
        "extractor": runs[0]["extractor"],
        "target_articles_per_s": TARGET,
        "meets_target": rate >= TARGET,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"ingest: {n} articles per run, median {rate:.1f} articles/s over {args.runs} runs "
            f"({', '.join(str(x) for x in result['all_articles_per_s'])}); "
            f"{result['items_per_run']} items extracted per run; target {TARGET:g}/s "
            f"{'met' if result['meets_target'] else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
