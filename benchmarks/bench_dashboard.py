"""Speed and memory of the dashboard on a large run.

Creates (once) a run of the Kosovo case with 1,000,000 futures × 6 strategies, starts the dashboard
in a separate process on 127.0.0.1 (a port the system picks), and measures:

- time until the server is ready (the default run's ranking, ranges and bands are computed then);
- the first load of each page;
- a filter on the Futures page and a box selection on the Discovery page: median and 95th
  percentile over a bounded loop of requests, each with other parameters;
- the server's peak resident memory (sampled every 50 ms);
- a bounded load test (``--requests`` requests, ``--concurrency`` at a time): errors and p99.

    python benchmarks/bench_dashboard.py --create /tmp/fw-bench            # run created under /tmp/fw-bench/run
    python benchmarks/bench_dashboard.py --run /tmp/fw-bench/run --loops 30

Figures are printed; the run is not deleted (it is large: put it outside the repository).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SERVER = """
import sys, uvicorn
from forewarn.web import create_app
app = create_app(sys.argv[1], root=sys.argv[2], db=sys.argv[3], objective=("min_margin", ">=", 1.0))
config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", access_log=False)
server = uvicorn.Server(config)
import threading, time
def tell():
    while not server.started:
        time.sleep(0.02)
    print("PORT", server.servers[0].sockets[0].getsockname()[1], flush=True)
threading.Thread(target=tell, daemon=True).start()
server.run()
"""


def create(folder: Path, n: int, workers: int) -> Path:
    from forewarn.engine.runner import run
    from forewarn.kosovo import load_kosovo_case

    out = folder / "run"
    if (out / "manifest.json").exists():
        return out
    t = time.perf_counter()
    run(load_kosovo_case(), n=n, method="lhs", seed=2025, out=out, chunk_size=100_000, workers=workers)
    size = sum(f.stat().st_size for f in (out / "chunks").glob("*.parquet"))
    print(f"created {n:,} futures × 6 strategies in {time.perf_counter() - t:.0f} s, {size / 1e9:.2f} GB of Parquet")
    return out


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def ms(v):
    return f"{1000 * v:.0f} ms"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--run", type=Path, help="an existing run folder")
    ap.add_argument("--create", type=Path, help="create the run under this folder (if absent)")
    ap.add_argument("-n", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--loops", type=int, default=30, help="requests per timed loop")
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=20)
    args = ap.parse_args()
    import httpx2 as httpx
    import psutil

    if args.run is None and args.create is None:
        ap.error("give --run or --create")
    run = args.run or create(args.create, args.n, args.workers)
    db = str(run.parent / "bench-store.sqlite")
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(run), str(run.parent), db],
                            stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    port = None
    for line in proc.stdout:
        if line.startswith("PORT"):
            port = int(line.split()[1])
            break
    ready = time.perf_counter() - t0
    peak = [0]
    stop = threading.Event()
    ps = psutil.Process(proc.pid)

    def sample():
        while not stop.is_set():
            try:
                peak[0] = max(peak[0], ps.memory_info().rss)
            except psutil.Error:
                return
            time.sleep(0.05)

    threading.Thread(target=sample, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    time.sleep(0.2)
    out = {"ready_s": ready, "rss_at_ready_mb": ps.memory_info().rss / 2**20, }
    try:
        with httpx.Client(base_url=base, timeout=120) as c:
            firsts = {}
            for page in ["/", "/futures", "/strategies", "/discovery", "/evidence", "/facts", "/runs"]:
                t = time.perf_counter()
                r = c.get(page)
                firsts[page] = time.perf_counter() - t
                assert r.status_code == 200, (page, r.status_code, r.text[:300])
            out["first_load_s"] = firsts
            out["peak_after_first_loads_mb"] = peak[0] / 2**20
            ranges = c.get("/futures.json").json()["ranges"]
            lo, hi = ranges["threat_base"]
            strategies = c.get("/futures.json").json()["strategies"]
            times = []
            for i in range(args.loops):
                cut = lo + (hi - lo) * (0.1 + 0.8 * i / max(args.loops - 1, 1))
                params = {"strategy": strategies[i % len(strategies)], "lo_threat_base": f"{cut:.3f}"}
                t = time.perf_counter()
                r = c.get("/futures", params=params, headers={"HX-Request": "true"})
                times.append(time.perf_counter() - t)
                assert r.status_code == 200
            out["filter"] = {"median_s": statistics.median(times), "p95_s": pct(times, 95), "n": len(times)}
            traj = c.get("/discovery.json").json()["trajectory"]
            times = []
            for i in range(args.loops):
                box = traj[(i * 7) % len(traj)]["id"]
                t = time.perf_counter()
                r = c.get("/discovery", params={"box": box}, headers={"HX-Request": "true"})
                times.append(time.perf_counter() - t)
                assert r.status_code == 200
            out["box"] = {"median_s": statistics.median(times), "p95_s": pct(times, 95), "n": len(times)}
        out["load"] = load_test(base, ranges, traj, args.requests, args.concurrency)
    finally:
        stop.set()
        time.sleep(0.1)
        proc.terminate()
        proc.wait(timeout=30)
    out["server_peak_rss_mb"] = peak[0] / 2**20
    report(out, args)


def load_test(base, ranges, traj, n, concurrency):
    import httpx2 as httpx

    lo, hi = ranges["backfill_share"]
    paths = []
    for i in range(n):
        k = i % 4
        if k == 0:
            paths.append(("/futures.json", {"lo_backfill_share": f"{lo + (hi - lo) * (i % 97) / 100:.4f}"}))
        elif k == 1:
            paths.append(("/discovery.json", {"box": traj[i % len(traj)]["id"]}))
        elif k == 2:
            paths.append(("/strategies.json", {}))
        else:
            paths.append(("/", {}))
    latencies, errors = [], [0]
    lock = threading.Lock()
    client = httpx.Client(base_url=base, timeout=120, limits=httpx.Limits(max_connections=concurrency))

    def one(item):
        t = time.perf_counter()
        try:
            ok = client.get(item[0], params=item[1]).status_code == 200
        except httpx.HTTPError:
            ok = False
        d = time.perf_counter() - t
        with lock:
            latencies.append(d)
            if not ok:
                errors[0] += 1

    t = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, paths))
    wall = time.perf_counter() - t
    client.close()
    return {"requests": n, "concurrency": concurrency, "errors": errors[0], "wall_s": wall,
            "median_s": statistics.median(latencies), "p99_s": pct(latencies, 99)}


def report(out, args):
    print(f"server ready (ranking, ranges, bands of 1 run precomputed): {out['ready_s']:.1f} s")
    for page, v in out["first_load_s"].items():
        print(f"first load {page:12s} {ms(v)}")
    f, b, L = out["filter"], out["box"], out["load"]
    print(f"filter (Futures panel)  median {ms(f['median_s'])}, p95 {ms(f['p95_s'])} over {f['n']} requests")
    print(f"box selection           median {ms(b['median_s'])}, p95 {ms(b['p95_s'])} over {b['n']} requests")
    print(f"load test: {L['requests']} requests, {L['concurrency']} concurrent: {L['errors']} errors, "
          f"median {ms(L['median_s'])}, p99 {ms(L['p99_s'])}, {L['requests'] / L['wall_s']:.0f} req/s")
    print(f"server memory (RSS): {out['rss_at_ready_mb']:.0f} MB when ready, peak "
          f"{out['peak_after_first_loads_mb']:.0f} MB after the first loads, {out['server_peak_rss_mb']:.0f} MB overall")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
