"""The dashboard as a Starlette application: pages, their JSON twins, the CSV download, reviews.

:func:`create_app` builds it for one run (plus the runs found under a working folder); ``forewarn
serve`` runs it with uvicorn. Every page ``/NAME`` is also served as ``/NAME.json`` with the data
it shows. Templates autoescape everything; charts are server-rendered SVG; the only script is the
vendored htmx file, so the Content-Security-Policy forbids inline scripts and styles.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import ForewarnError, InputError
from .pages import (Params, discovery, evidence, facts, filters_of, futures, jsonable, overview, pathways, runs,
                    strategies)
from .data import RunView, find_runs
from .security import Guard, new_secret, safe_url, same

__all__ = ["create_app", "PAGES"]

HERE = Path(__file__).resolve().parent

#: Page path, title, builder name (the navigation order).
PAGES = [
    ("overview", "Overview"),
    ("futures", "Futures"),
    ("discovery", "Scenario discovery"),
    ("strategies", "Strategies"),
    ("pathways", "Pathways"),
    ("evidence", "Evidence"),
    ("facts", "Facts"),
    ("runs", "Runs"),
]


class Dashboard:
    """What the app serves: the runs, the evidence store, the brief, the case's pathways."""

    def __init__(self, run: str | Path | None, *, root: str | Path = ".", db: str | None = None, store: Any = None,
                 objective: tuple[str, str, float] | None = None, brief: Any = None, pathways: Any = None) -> None:
        self.root = Path(root).resolve()
        self.run = Path(run).resolve() if run is not None else None
        self.db, self._store, self.objective, self.brief, self.pathways = db, store, objective, brief, pathways
        self.views: dict[str, RunView] = {}
        self.lock = threading.Lock()
        self.csrf = new_secret()
        self._runs: list[dict[str, Any]] | None = None

    # runs are looked up by id in a list found on disk: a request never names a path
    def runs(self, refresh: bool = False) -> list[dict[str, Any]]:
        if self._runs is None or refresh:
            found = find_runs(self.root) if self.root.is_dir() else []
            if self.run is not None and not any(Path(r["path"]) == self.run for r in found):
                here = find_runs(self.run, depth=0)
                for r in here:
                    r["id"] = "served"
                found = here + found
            self._runs = found
        return self._runs

    def default_id(self) -> str | None:
        runs = self.runs()
        if self.run is not None:
            for r in runs:
                if Path(r["path"]) == self.run:
                    return r["id"]
        return runs[0]["id"] if runs else None

    def view(self, run_id: str | None) -> RunView:
        from ..engine.results import open_results

        rid = run_id or self.default_id()
        if rid is None:
            raise LookupError("no run to show: start with --run DIR, or create one with `forewarn run`")
        with self.lock:
            if rid in self.views:
                return self.views[rid]
            match = [r for r in self.runs() if r["id"] == rid] or [r for r in self.runs(True) if r["id"] == rid]
            if not match:
                raise LookupError(f"no run {rid!r} under the working folder (see /runs)")
            view = RunView(open_results(match[0]["path"], allow_incomplete=True), self.objective)
            self.views[rid] = view
            return view

    @property
    def store(self) -> Any:
        if self._store is None:
            from ..evidence import open_store

            self._store = open_store(self.db)
        return self._store


def create_app(run: str | Path | None = None, *, root: str | Path = ".", db: str | None = None, store: Any = None,
               token: str | None = None, objective: tuple[str, str, float] | None = None, brief: Any = None,
               pathways: Any = None, warm: bool = True, hosts: Any = None) -> Any:
    """Build the dashboard application.

    Parameters
    ----------
    run : path, optional
        The run shown by default (others found under ``root`` are listed on the Runs page).
    root : path
        The working folder searched for runs.
    db : str, optional
        Evidence store URL or SQLite path (default ``FOREWARN_DB`` or the user data folder).
    store : EvidenceStore, optional
        An open store (instead of ``db``).
    token : str, optional
        Access token every request must carry (required by ``forewarn serve`` off loopback).
    objective : (outcome, op, threshold), optional
        The default objective, for example ``("min_margin", ">=", 1.0)``.
    brief : Brief, optional
        The brief whose answers the Overview shows.
    pathways : mapping, optional
        Adaptation pathways (the shape in ``docs/dashboard.md``), when the case declares them.
    hosts : sequence of str, optional
        Host names the Host header may carry (``forewarn serve`` on loopback: ``127.0.0.1``,
        ``localhost``, ``::1``); other requests are refused. Default: any.
    warm : bool
        Compute the default run's index of futures, ranking, bands and first PRIM fit when the app
        starts, so the first pages are fast.
    """
    from contextlib import asynccontextmanager

    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    dash = Dashboard(run, root=root, db=db, store=store, objective=objective, brief=brief, pathways=pathways)
    env = _templates()
    h = _Handlers(dash, env)
    routes = [Route("/", h.home), Route("/futures.csv", h.csv), Route("/evidence/review", h.review, methods=["POST"])]
    for name, _ in PAGES:
        routes.append(Route(f"/{name}", h.page(name)))
        routes.append(Route(f"/{name}.json", h.page(name, json=True)))
    routes.append(Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"))

    @asynccontextmanager
    async def lifespan(app):
        if warm and dash.default_id() is not None:
            import anyio

            def prepare():
                v = dash.view(None)
                v.ranges()
                v.ranking(v.default_objective())
                if v.series:
                    v.bands(v.series[0])
                v.discovery(v.strategies[0], v.default_objective())
            await anyio.to_thread.run_sync(prepare)
        yield

    app = Starlette(routes=routes, middleware=[Middleware(Guard, token=token, hosts=hosts)], lifespan=lifespan,
                    exception_handlers={404: h.not_found})
    app.state.dashboard = dash
    return app


def _templates():
    from jinja2 import Environment, FileSystemLoader

    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=True, trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["safe_url"] = safe_url
    env.filters["pct"] = lambda v: "" if v is None else f"{100 * float(v):.0f}%"
    env.filters["num"] = _num
    return env


def _num(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}" if abs(v) >= 10_000 else str(v)
    if isinstance(v, float):
        if v != v:
            return ""
        if abs(v) >= 10_000:
            return f"{v:,.0f}"
        return f"{v:.0f}" if abs(v) >= 1000 else f"{v:.3g}"
    return str(v)


#: Pages computed at once: each holds a few arrays as long as the run's futures, and the machine's
#: cores are few, so more at once would only raise the memory without serving faster.
CONCURRENT_PAGES = 4


class _Handlers:
    def __init__(self, dash: Dashboard, env: Any) -> None:
        self.dash, self.env = dash, env
        self.slots = threading.BoundedSemaphore(CONCURRENT_PAGES)

    async def home(self, request):
        return await self.page("overview")(request)

    def page(self, name: str, json: bool = False) -> Callable:
        async def handler(request):
            import anyio

            try:
                data, extra = await anyio.to_thread.run_sync(self.build, name, request)
            except InputError as exc:
                return self.error(request, 400, str(exc), json)
            except LookupError as exc:
                return self.error(request, 404, str(exc.args[0]), json)
            except ForewarnError as exc:
                return self.error(request, 500, str(exc), json)
            if json:
                from starlette.responses import JSONResponse

                charts = {k: c.data for k, c in extra.get("charts", {}).items()}
                return JSONResponse(jsonable({"page": name, **data, "charts": charts}))
            return self.render(request, name, data, extra)
        return handler

    def build(self, name: str, request) -> tuple[dict, dict]:
        with self.slots:
            return self._build(name, request)

    def _build(self, name: str, request) -> tuple[dict, dict]:
        p = Params(request.query_params)
        dash = self.dash
        if name == "runs":
            return runs(dash.runs(refresh=True), request.query_params.get("run") or dash.default_id() or "")
        if name == "facts":
            return facts(dash.store, p)
        view = dash.view(request.query_params.get("run"))
        if name == "overview":
            brief = dash.brief if view is dash.views.get(dash.default_id() or "") else None
            return overview(view, p, brief)
        if name == "evidence":
            return evidence(view, dash.store, view.results.case, p)
        if name == "pathways":
            declared = dash.pathways or view.results.manifest.get("pathways")
            declared = declared if isinstance(declared, dict) else None
            return pathways(view, p, declared)
        return {"futures": futures, "discovery": discovery, "strategies": strategies}[name](view, p)

    def render(self, request, name: str, data: dict, extra: dict, status: int = 200):
        from starlette.responses import HTMLResponse

        partial = request.headers.get("hx-request") == "true" and name in ("futures",)
        template = self.env.get_template(f"{name}.html.j2")
        html = template.render(
            page=name, pages=PAGES, title=dict(PAGES).get(name, name), d=data, x=extra, partial=partial,
            q=request.query_params, query=request.url.query, run=request.query_params.get("run"), csrf=self.dash.csrf,
            json_url=f"/{name}.json" + (f"?{request.url.query}" if request.url.query else ""),
        )
        return HTMLResponse(html, status_code=status)

    def error(self, request, status: int, message: str, json: bool):
        if json:
            from starlette.responses import JSONResponse

            return JSONResponse({"error": message}, status_code=status)
        from starlette.responses import HTMLResponse

        html = self.env.get_template("error.html.j2").render(page="error", pages=PAGES, title="Error", message=message,
                                                           status=status, q=request.query_params, run=None)
        return HTMLResponse(html, status_code=status)

    async def not_found(self, request, exc):
        status = getattr(exc, "status_code", 404)
        return self.error(request, status, "not found" if status == 404 else str(getattr(exc, "detail", "")),
                          request.url.path.endswith(".json"))

    async def csv(self, request):
        from starlette.responses import StreamingResponse

        try:
            view = self.dash.view(request.query_params.get("run"))
            p = Params(request.query_params)
            obj = view.objective(p.text("outcome"), p.number("threshold"))
            strategy = view.check(p.text("strategy", view.strategies[0]), view.strategies, "strategy")
            rows = view.futures_csv(strategy, obj, filters_of(view, p))
        except InputError as exc:
            return self.error(request, 400, str(exc), True)
        except LookupError as exc:
            return self.error(request, 404, str(exc.args[0]), True)
        return StreamingResponse(rows, media_type="text/csv", headers={
            "content-disposition": f'attachment; filename="futures-{strategy}.csv"'})

    async def review(self, request):
        """Accept or reject an evidence item (POST with the CSRF token); the store logs who, when, why."""
        import anyio
        from starlette.responses import RedirectResponse

        form = await request.form()
        if not same(form.get("csrf"), self.dash.csrf) or not _same_origin(request):
            return self.error(request, 403, "forbidden: missing or wrong CSRF token", False)
        store = self.dash.store
        if not callable(getattr(store, "review", None)):
            return self.error(request, 501, "this evidence store does not record reviews", False)
        decision = {"accept": "accepted", "reject": "rejected"}.get(str(form.get("decision")))
        if decision is None:
            return self.error(request, 400, "decision: must be accept or reject", False)
        ref, reason = str(form.get("ref") or ""), str(form.get("reason") or "")
        try:
            await anyio.to_thread.run_sync(
                lambda: store.review(ref, decision, reason=reason or None, who="dashboard"))
        except InputError as exc:
            return self.error(request, 400, str(exc), False)
        return RedirectResponse("/evidence" + (f"?run={request.query_params['run']}" if request.query_params.get("run")
                                               else ""), status_code=303)


def _same_origin(request) -> bool:
    """A POST from a page of this server (or a client that sends no Origin header, like curl)."""
    from urllib.parse import urlsplit

    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host")
