"""The dashboard in a real headless Chromium (Debian's package, driven by Playwright).

The server runs in-process on a port the system picks; nothing is downloaded. Screenshots of every
page at 1280 and 390 pixels wide go to a folder under pytest's temporary directory (its path is
printed, and kept in ``FOREWARN_SCREENSHOTS`` when that variable names a folder).
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium package"),
]
sync_api = pytest.importorskip("playwright.sync_api")
pytest.importorskip("uvicorn")

from web_support import make_hostile_store, make_run  # noqa: E402

PAGES = ["overview", "futures", "discovery", "strategies", "pathways", "evidence", "facts", "runs"]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def server(tmp_path_factory, default_store_file):
    import uvicorn

    from forewarn.web import create_app

    folder = tmp_path_factory.mktemp("browser")
    run = make_run(folder)
    store = make_hostile_store(default_store_file, folder)
    app = create_app(run, root=folder, db=str(store), objective=("min_margin", ">=", 1.0))
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", access_log=False))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(600):
        if srv.started:
            break
        time.sleep(0.05)
    assert srv.started, "the server did not start"
    port = srv.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = Path(os.environ.get("FOREWARN_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {folder}")
    return folder


def _page(browser, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    return page, problems


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("name", PAGES)
def test_page_loads_renders_and_fits(server, browser, shots, name, width):
    page, problems = _page(browser, width)
    page.goto(f"{server}/{name}", wait_until="networkidle")
    assert page.evaluate("typeof htmx") == "object", "the vendored htmx did not load"
    sizes = page.eval_on_selector_all(
        "svg.chart", "els => els.map(e => [e.getBoundingClientRect().width, e.getBoundingClientRect().height,"
                     " e.querySelectorAll('circle,polyline,polygon,rect,line').length])")
    if name not in ("pathways", "runs"):
        assert sizes, f"{name}: no chart"
    for w, h, marks in sizes:
        assert w > 50 and h > 30 and marks > 0, (name, sizes)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    page.close()
    assert overflow <= 0, f"{name} at {width}px scrolls sideways by {overflow}px"
    assert not problems, problems


def test_changing_a_filter_changes_the_table(server, browser):
    page, problems = _page(browser, 1280)
    page.goto(f"{server}/futures?strategy=current_plan", wait_until="networkidle")
    before = page.inner_text("#selected-count")
    page.click("details.ranges summary")  # the filters fold away until used
    first_rows = page.inner_text("#futures-table tbody")
    lo, hi = page.get_attribute("input[name=lo_threat_base]", "placeholder"), None
    assert lo is not None and hi is None
    with page.expect_response(lambda r: "/futures?" in r.url):
        page.fill("input[name=hi_threat_base]", str(page.evaluate(
            "(() => { const i = document.querySelector('input[name=lo_threat_base]'); "
            "const j = document.querySelector('input[name=hi_threat_base]'); "
            "return (parseFloat(i.placeholder.replace(/,/g, '')) + parseFloat(j.placeholder.replace(/,/g, ''))) / 2; })()")))
        page.dispatch_event("input[name=hi_threat_base]", "change")
    # (Playwright's expect polls without eval, which the Content-Security-Policy forbids)
    sync_api.expect(page.locator("#selected-count")).not_to_have_text(before)
    assert page.inner_text("#futures-table tbody") != first_rows
    assert "hi_threat_base" in page.url  # the filter is in the address, so it can be shared
    assert not problems, problems


def test_clicking_a_trajectory_point_changes_the_box(server, browser, shots):
    page, problems = _page(browser, 1280)
    page.goto(f"{server}/discovery?strategy=current_plan", wait_until="networkidle")
    shown = page.get_attribute("#box-panel", "data-box")
    # a point drawn on top of its neighbours, so that a real click lands on it
    target = page.evaluate(f"""(() => {{
        for (const g of document.querySelectorAll('g.pt')) {{
            if (g.dataset.id === {shown!r}) continue;
            const r = g.querySelector('circle:last-child').getBoundingClientRect();
            const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
            if (top && top.closest('g.pt') === g) return g.dataset.id;
        }}
    }})()""")
    assert target is not None
    page.click(f'g.pt[data-id="{target}"]')
    sync_api.expect(page.locator("#box-panel")).to_have_attribute("data-box", target)
    assert page.get_attribute(f'g.pt[data-id="{target}"]', "class").startswith("pt sel")
    assert page.inner_text("#box-panel h2").startswith(f"Box {target}")
    page.screenshot(path=str(shots / "discovery-after-click.png"), full_page=True)
    assert not problems, problems


@pytest.mark.parametrize("path", ["/evidence", "/facts?q=xss", "/overview", "/futures"])
def test_payloads_stay_inert(server, browser, path):
    page, problems = _page(browser, 1280)
    page.goto(f"{server}{path}", wait_until="networkidle")
    for details in page.query_selector_all("details"):
        details.evaluate("d => d.open = true")
    # click every link a payload could have become, without following real addresses
    page.route("**/*", lambda route: route.abort() if not route.request.url.startswith(server) else route.continue_())
    for a in page.query_selector_all("a[href^='javascript'], a[href^='data']"):
        a.click()
    assert page.evaluate("window.__xss") is None
    assert page.query_selector_all("main script, main iframe, main img, a[href^='javascript']") == []
    if path == "/evidence":
        assert "<script>window.__xss='script'</script>" in page.inner_text("main")
    assert not [p for p in problems if "__xss" in p]
