"""Command: ``forewarn serve``, the local dashboard."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import InputError
from .app import app

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command("serve")
def serve_command(
    run: Annotated[Optional[Path], typer.Option("--run", help="Run folder to explore (default: the Kosovo brief's run, created on first start).")] = None,
    case: Annotated[Optional[str], typer.Option("--case", help="Case of the default run: only the built-in 'kosovo' is created automatically.")] = None,
    db: Annotated[Optional[str], typer.Option("--db", help="Evidence store URL or SQLite path (default FOREWARN_DB or the user data folder).")] = None,
    host: Annotated[str, typer.Option("--host", help="Address to bind; anything but loopback needs --token.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on (0: any free port, printed).")] = 8765,
    token: Annotated[Optional[str], typer.Option("--token", help="Access token every request must carry (?token=... once, or Authorization: Bearer ...).")] = None,
    root: Annotated[Path, typer.Option("--root", help="Working folder searched for runs (the Runs page).")] = Path("."),
    n: Annotated[int, typer.Option("-n", help="Futures of the default run when it is created.")] = 10_000,
) -> None:
    """Start the local dashboard: futures, failure boxes, trade-offs, pathways, evidence and facts in a browser."""
    from rich.console import Console

    err = Console(stderr=True)
    if not 0 <= port <= 65535:
        raise InputError("must be between 0 and 65535", field="--port")
    if not _is_loopback(host) and not token:
        raise InputError(f"binding {host} exposes the dashboard beyond this machine: give an access token "
                         "with --token", field="--host")
    if token is not None and (len(token) < 16 or not re.fullmatch(r"[A-Za-z0-9._~-]+", token)):
        raise InputError("must be at least 16 characters of letters, digits and . _ ~ -", field="--token")
    try:
        import starlette  # noqa: F401
        import uvicorn
    except ImportError:
        raise InputError("the dashboard needs the web extra: pip install 'forewarn[web]'", field="serve") from None

    from ..kosovo.brief import THRESHOLD
    from ..web import create_app

    # the brief's yardstick: the lowest margin over the lever years reaches the threshold
    brief, objective = None, None
    name, op, value = "min_margin", ">=", THRESHOLD
    if run is None:
        if case not in (None, "kosovo"):
            raise InputError("only the built-in case 'kosovo' gets a default run; give --run DIR for another",
                             field="--case")
        brief = _default_brief(root, n, db, err)
        run = Path(brief.run_path)
        objective = (name, op, value)
    else:
        from ..engine.results import read_manifest

        manifest = read_manifest(run)
        if manifest.get("case", {}).get("name") == "kosovo":
            objective = (name, op, value)
    # on loopback, only requests naming this machine: a web page elsewhere cannot rebind its own
    # name to 127.0.0.1 and read the dashboard
    hosts = sorted(LOOPBACK) if _is_loopback(host) else None
    application = create_app(run, root=root, db=db, token=token, objective=objective, brief=brief, hosts=hosts)
    config = uvicorn.Config(application, host=host, port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    _announce(server, host, token, err)
    server.run()


def _default_brief(root: Path, n: int, db: str | None, err):
    """Build (or reopen) the Kosovo brief and its run under ``root/runs/brief``, with progress."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from ..kosovo.brief import build_kosovo_brief

    out = root / "runs" / "brief"
    err.print(f"Preparing the Kosovo case's default run in {out} …")
    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True) as bar:
        task = bar.add_task("running futures × strategies", total=None)
        return build_kosovo_brief(n=n, out=out, db=db, html=True,
                                  progress=lambda done, total: bar.update(task, completed=done, total=total))


def _announce(server, host: str, token: str | None, err) -> None:
    """Print the address once uvicorn has bound it (port 0 gets a free port)."""
    import threading
    import time

    def wait():
        for _ in range(600):
            if server.started and server.servers:
                sock = server.servers[0].sockets[0]
                port = sock.getsockname()[1]
                shown = f"[{host}]" if ":" in host else host
                err.print(f"forewarn dashboard at http://{shown}:{port}/" + ("?token=…" if token else ""))
                return
            time.sleep(0.1)

    threading.Thread(target=wait, daemon=True).start()
