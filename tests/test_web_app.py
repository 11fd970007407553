"""The dashboard through Starlette's test client: the JSON twin of every page, the numbers it
shows against the run itself, escaping, the security guards and bad input."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("starlette")

from starlette.testclient import TestClient  # noqa: E402

from web_support import HOSTILE_URL, PAYLOADS, make_hostile_store, make_run  # noqa: E402

PAGES = ["overview", "futures", "discovery", "strategies", "pathways", "evidence", "facts", "runs"]
OBJECTIVE = ("min_margin", ">=", 1.0)


@pytest.fixture(scope="module")
def site(tmp_path_factory, default_store_file):
    folder = tmp_path_factory.mktemp("web")
    run = make_run(folder)
    store = make_hostile_store(default_store_file, folder)
    return folder, run, store


@pytest.fixture(scope="module")
def client(site):
    from forewarn.web import create_app

    folder, run, store = site
    app = create_app(run, root=folder, db=str(store), objective=OBJECTIVE)
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def frame(site):
    from forewarn.engine.results import open_results

    return open_results(site[1]).to_dataframe()


# -- the JSON twins ----------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_every_page_and_its_json_twin(client, page):
    html = client.get(f"/{page}")
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    data = client.get(f"/{page}.json")
    assert data.status_code == 200
    body = data.json()
    assert body["page"] == page
    assert f'href="/{page}.json"' in html.text


def test_overview_ranking_matches_the_run(client, frame):
    body = client.get("/overview.json").json()
    by = {r["strategy"]: r for r in body["ranking"]}
    for s, g in frame.groupby("strategy"):
        assert by[s]["robustness"] == pytest.approx(float((g["min_margin"] >= 1.0).mean()), abs=1e-12)
        assert by[s]["cost"] == pytest.approx(float(g["total_cost"].median()), rel=1e-9)
    shares = [r["robustness"] for r in body["ranking"]]
    assert shares == sorted(shares, reverse=True)
    assert body["bottom_line"] and body["ranking"][0]["strategy"] in body["bottom_line"][0]


def test_futures_counts_and_filters(client, frame):
    lo = float(frame["threat_base"].quantile(0.3))
    hi = float(frame["backfill_share"].quantile(0.8))
    params = {"strategy": "adaptive", "lo_threat_base": lo, "hi_backfill_share": hi}
    body = client.get("/futures.json", params=params).json()
    sub = frame[(frame.strategy == "adaptive") & (frame.threat_base >= lo) & (frame.backfill_share <= hi)]
    assert body["selected"] == len(sub)
    assert body["holds"] == int((sub["min_margin"] >= 1.0).sum())
    assert body["total"] == frame["future"].nunique()
    table = body["table"]
    assert [r["future"] for r in table] == sorted(sub["future"])[: len(table)]
    assert all(r["threat_base"] >= lo and r["backfill_share"] <= hi for r in table)
    page = client.get("/futures", params=params)
    assert page.status_code == 200 and f'<b id="selected-count">{len(sub):,}</b>' in page.text
    assert "/futures.csv?strategy=adaptive&amp;lo_threat_base=" in page.text
    everything = client.get("/futures.json", params={"strategy": "adaptive"}).json()
    assert everything["selected"] > body["selected"]


def test_futures_csv_holds_every_selected_future(client, frame):
    import io

    import pandas as pd

    lo = float(frame["threat_base"].median())
    r = client.get("/futures.csv", params={"strategy": "current_plan", "lo_threat_base": lo})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    got = pd.read_csv(io.StringIO(r.text))
    sub = frame[(frame.strategy == "current_plan") & (frame.threat_base >= lo)]
    assert len(got) == len(sub)
    assert list(got["future"]) == sorted(sub["future"])
    assert got["objective_holds"].sum() == int((sub["min_margin"] >= 1).sum())


def test_discovery_box_members_match_the_box(client, frame):
    from forewarn.analysis.prim import Box, Restriction

    first = client.get("/discovery.json", params={"strategy": "current_plan"}).json()
    assert first["trajectory"], "the toy run has failures to discover"
    assert first["box"]["id"] == first["marked"]
    other = next(t["id"] for t in first["trajectory"] if t["id"] != first["marked"])
    body = client.get("/discovery.json", params={"strategy": "current_plan", "box": other}).json()
    assert body["box"]["id"] == other
    point = next(t for t in body["trajectory"] if t["id"] == other)
    assert body["box"]["coverage"] == pytest.approx(point["coverage"])
    assert body["box"]["density"] == pytest.approx(point["density"])
    rs = tuple(Restriction(r["name"], r["kind"], r["low"], r["high"]) for r in body["box"]["restrictions"])
    box = Box(rs, 0, 0, 0, 0, 0)
    sub = frame[frame.strategy == "current_plan"]
    inside = box.contains(sub)
    assert body["box"]["in_run"]["futures"] == int(inside.sum())
    assert body["box"]["in_run"]["failures"] == int((sub["min_margin"][inside] < 1).sum())
    assert body["cart"] and all(0 <= leaf["density"] <= 1 for leaf in body["cart"])
    # the page marks the chosen point
    page = client.get("/discovery", params={"strategy": "current_plan", "box": other}).text
    assert re.search(rf'<g class="pt sel[^"]*" data-id="{other}"', page)


def test_strategies_bands_and_front(client, frame):
    from forewarn.engine.results import open_results

    body = client.get("/strategies.json", params={"series": "margin"}).json()
    res = open_results(client.app.state.dashboard.run)
    det = res.outcomes(["margin"])["margin"]
    strat = res.experiments["strategy"].to_numpy()
    for s, band in body["bands"]["bands"].items():
        rows = det[strat == s]
        np.testing.assert_allclose(band["median"], np.quantile(rows, 0.5, axis=0), rtol=1e-9)
        np.testing.assert_allclose(band["low"], np.quantile(rows, 0.1, axis=0), rtol=1e-9)
    # colours follow the run's strategy order, whatever the ranking
    assert list(body["colours"]) == res.strategies
    rows = body["ranking"]
    for r in rows:
        beaten = any(o["robustness"] >= r["robustness"] and o["total_cost"] <= r["total_cost"]
                     and (o["robustness"] > r["robustness"] or o["total_cost"] < r["total_cost"]) for o in rows)
        assert r["non_dominated"] == (not beaten)


def test_pathways_say_when_the_case_declares_none(tmp_path, store_file):
    from forewarn.engine.runner import run
    from forewarn.engine.space import load_case
    from forewarn.web import create_app

    case = load_case(Path(__file__).parent / "fixtures" / "cases" / "toy.toml")  # declares no pathways
    run(case, n=20, method="lhs", seed=1, out=tmp_path / "run")
    with TestClient(create_app(tmp_path / "run", root=tmp_path, db=str(store_file))) as c:
        body = c.get("/pathways.json").json()
        assert body["declared"] is False
        assert "declares no adaptation pathways" in c.get("/pathways").text


def test_pathways_map_when_declared(site):
    from forewarn.web import create_app

    folder, run, store = site
    declared = {"years": [2025, 2035],
                "actions": [{"name": "current_plan", "tipping_point": 2029}, {"name": "self_reliance"}],
                "pathways": [{"name": "switch", "steps": [{"action": "current_plan", "from": 2025, "to": 2029},
                                                          {"action": "self_reliance", "from": 2029,
                                                           "trigger": "us_drawdown_announced"}]}]}
    with TestClient(create_app(run, root=folder, db=str(store), pathways=declared)) as c:
        body = c.get("/pathways.json").json()
        assert body["declared"] and body["charts"]["map"]["actions"] == ["current_plan", "self_reliance"]
        assert "us_drawdown_announced" in c.get("/pathways").text


def test_pathways_of_an_adaptive_case(tmp_path, store_file):
    from forewarn.analysis.pathways import analyse, to_json
    from forewarn.engine.experiments import Futures
    from forewarn.engine.runner import run
    from forewarn.engine.space import load_case
    from forewarn.web import create_app

    case = load_case(Path(__file__).parent / "fixtures" / "adaptive" / "dike.toml")
    run(case, n=120, method="lhs", seed=4, out=tmp_path / "run")
    with TestClient(create_app(tmp_path / "run", root=tmp_path, db=str(store_file))) as c:
        body = c.get("/pathways.json").json()
        page = c.get("/pathways").text
    assert body["declared"] and body["pathways"]["futures"] == 120
    expected = to_json(analyse(case, Futures.sample(case, 120, 4)))
    assert body["pathways"]["tipping_points"] == expected["tipping_points"]
    assert body["pathways"]["scorecard"] == expected["scorecard"]
    assert [t["plan"] for t in expected["tipping_points"]] == body["charts"]["map"]["plans"]
    assert "Tipping points" in page and 'data-chart="map"' in page


def test_pathways_page_sets_aside_futures_that_contradict_the_present(tmp_path, store_file):
    import shutil

    from forewarn.analysis.pathways import consistent_futures
    from forewarn.engine.experiments import Futures
    from forewarn.engine.runner import run
    from forewarn.engine.space import load_case
    from forewarn.web import create_app

    fixtures = Path(__file__).parent / "fixtures" / "adaptive"
    for name in ("dike.toml", "dike_model.py"):
        shutil.copy(fixtures / name, tmp_path / name)
    text = (tmp_path / "dike.toml").read_text()
    (tmp_path / "dike.toml").write_text(text.replace("share = 0.9\n", "share = 0.9\nfrom_year = 2030\nholds_today = true\n", 1))
    case = load_case(tmp_path / "dike.toml")
    run(case, n=120, method="lhs", seed=4, out=tmp_path / "run")
    with TestClient(create_app(tmp_path / "run", root=tmp_path, db=str(store_file))) as c:
        body = c.get("/pathways.json").json()
        page = c.get("/pathways").text
    kept, aside = consistent_futures(case, Futures.sample(case, 120, 4))
    assert aside > 0 and body["pathways"]["futures_set_aside"] == aside and body["pathways"]["futures"] == len(kept)
    assert f"{aside} more were set aside" in page


def test_evidence_signposts_and_futures_left(client, frame):
    body = client.get("/evidence.json").json()
    assert any(PAYLOADS[0] in (d["title"] or "") for d in body["documents"])
    fired = {s["name"]: s for s in body["signposts"] if s["fired"]}
    assert "us_drawdown_announced" in fired
    evidence = fired["us_drawdown_announced"]["evidence"]
    assert any(PAYLOADS[2] in (e.get("sentence") or "") for e in evidence)
    assert {e.get("url") for e in evidence} >= {HOSTILE_URL}
    left = body["futures_left"]
    from forewarn.signposts import Constraint

    constraints = [c for sp in fired.values() for c in sp["constraints"]]
    assert any(c["uncertainty"] == "us_withdrawal_year" and c["op"] == "<=" for c in constraints)
    futures = frame[frame.strategy == "current_plan"]
    keep = np.ones(len(futures), bool)
    for c in constraints:
        value = tuple(c["value"]) if c["op"] == "in" else c["value"]
        keep &= Constraint(c["signpost"], c["uncertainty"], c["op"], value).holds(futures[c["uncertainty"]])
    assert left["futures_left"] == int(keep.sum()) < len(futures)
    assert left["futures_total"] == len(futures)
    assert all(d["url"] is None or d["url"].startswith("http") for d in body["documents"])


def test_facts_search_and_conflicts(client):
    body = client.get("/facts.json", params={"q": "xss_test"}).json()
    assert body["matches"] == 2
    (group,) = body["groups"]
    assert group["conflicts"] == ["2024"]
    assert {f["id"] for f in group["facts"]} == {"F9901", "F9902"}
    everything = client.get("/facts.json").json()
    assert everything["matches"] > 100
    sizes = [len(g["facts"]) for g in everything["groups"]]
    assert sizes == sorted(sizes, reverse=True)  # the longest series first
    second = client.get("/facts.json", params={"page": 2}).json()
    assert second["page_number"] == 2 and {g["key"] for g in second["groups"]}
    seen = {(g["entity"], g["quantity"]) for g in everything["groups"]}
    assert not seen & {(g["entity"], g["quantity"]) for g in second["groups"]}
    assert client.get("/facts.json", params={"page": 10_000}).status_code == 400


def test_runs_lists_the_run(client, site):
    body = client.get("/runs.json").json()
    assert [r["id"] for r in body["runs"]] == ["run"]
    assert body["runs"][0]["case"] == "kosovo"
    assert client.get("/overview.json", params={"run": "run"}).status_code == 200


# -- escaping and the Content-Security-Policy ---------------------------------------------------


def test_only_expected_host_names(site):
    from forewarn.web import create_app

    folder, run, store = site
    app = create_app(run, root=folder, db=str(store), hosts=["127.0.0.1", "localhost", "::1"], warm=False)
    with TestClient(app, base_url="http://127.0.0.1:8765") as c:
        assert c.get("/runs.json").status_code == 200
        assert c.get("/runs.json", headers={"host": "localhost:8765"}).status_code == 200
        assert c.get("/runs.json", headers={"host": "[::1]:8765"}).status_code == 200
        assert c.get("/runs.json", headers={"host": "evil.example:8765"}).status_code == 403
        assert c.get("/runs.json", headers={"host": "127.0.0.1.evil.example"}).status_code == 403


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.mark.parametrize("path", ["/evidence", "/facts?q=xss", "/overview", "/discovery", "/futures"])
def test_no_inline_script_handler_or_unsafe_link(client, path):
    r = client.get(path)
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    parser = _Tags()
    parser.feed(r.text)
    for tag, attrs in parser.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        assert "style" not in attrs, (tag, attrs)
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/"), attrs
        for k in ("href", "src", "action", "xlink:href"):
            if k in attrs:
                assert not attrs[k].strip().lower().startswith(("javascript:", "data:", "vbscript:")), attrs
        assert tag not in ("iframe", "img", "object", "embed")
    for p in PAYLOADS:
        assert p not in r.text


def test_payloads_are_shown_as_text(client):
    page = client.get("/evidence").text
    assert "&lt;script&gt;window.__xss=&#39;script&#39;&lt;/script&gt;" in page
    assert HOSTILE_URL not in page
    assert 'href="https://example.org/a?q=&#34;&gt;&lt;img src=x onerror=&#34;window.__xss=&#39;url&#39;&#34;&gt;"' in page


@pytest.mark.parametrize("url, ok", [
    ("https://example.org/a", True), ("http://x.org", True), ("javascript:alert(1)", False),
    (" JavaScript:alert(1)", False), ("data:text/html,<script>", False), ("/relative", False),
    ("//evil.example/x", False), ("https://", False), ("https://a.org/\nb", False), ("https://a.org/\x00", False),
    (None, False), (3, False), ("vbscript:x", False), ("https://a.org/<script>", True),
])
def test_only_absolute_http_links(url, ok):
    from forewarn.web.security import safe_url

    assert (safe_url(url) is not None) == ok


# -- access, CSRF, paths -------------------------------------------------------------------------


def test_token_is_required_when_set(site):
    from forewarn.web import create_app

    folder, run, store = site
    token = "a-long-enough-access-token"
    with TestClient(create_app(run, root=folder, db=str(store), token=token)) as c:
        assert c.get("/runs.json").status_code == 403
        assert c.get("/static/app.css").status_code == 403
        assert c.get("/runs.json", headers={"authorization": "Bearer wrong-token-of-some-length"}).status_code == 403
        assert c.get("/runs.json", headers={"authorization": f"Bearer {token}"}).status_code == 200
        first = c.get("/runs.json", params={"token": token})
        assert first.status_code == 200 and "HttpOnly" in first.headers["set-cookie"]
        assert c.get("/runs.json").status_code == 200  # the cookie now carries it


def test_review_needs_post_csrf_and_a_reason_then_narrows_again(site, default_store_file, tmp_path):
    from forewarn.evidence import open_store
    from forewarn.web import create_app

    folder, run, _ = site
    path = make_hostile_store(default_store_file, tmp_path)
    with TestClient(create_app(run, root=folder, db=str(path), objective=OBJECTIVE)) as c:
        page = c.get("/evidence").text
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        before = c.get("/evidence.json").json()
        claim = next(cl["ref"] for d in before["documents"] for cl in d["claims"] if PAYLOADS[2] in (cl["sentence"] or ""))
        assert f'name="ref" value="{claim}"' in page
        form = {"ref": claim, "decision": "reject", "reason": "a test article"}
        assert c.get("/evidence/review", params=form).status_code == 405
        assert c.post("/evidence/review", data=form).status_code == 403
        assert c.post("/evidence/review", data={**form, "csrf": "x" * 43}).status_code == 403
        assert c.post("/evidence/review", data={**form, "csrf": token},
                      headers={"origin": "http://evil.example"}).status_code == 403
        assert c.post("/evidence/review", data={**form, "reason": "", "csrf": token}).status_code == 400
        assert c.post("/evidence/review", data={**form, "ref": "Z1", "csrf": token}).status_code == 400
        assert c.post("/evidence/review", data={**form, "decision": "delete", "csrf": token}).status_code == 400
        assert open_store(path).reviews().empty  # nothing refused was recorded
        ok = c.post("/evidence/review", data={**form, "csrf": token}, follow_redirects=False)
        assert ok.status_code == 303
        log = open_store(path).reviews()
        assert list(log["ref"]) == [claim] and list(log["status"]) == ["rejected"] and list(log["who"]) == ["dashboard"]
        after = c.get("/evidence.json").json()
        fired = {s["name"] for s in after["signposts"] if s["fired"]}
        assert "us_drawdown_announced" not in fired  # the rejected claim no longer fires it
        assert after["futures_left"]["futures_left"] == after["futures_left"]["futures_total"]
        shown = next(cl for d in after["documents"] for cl in d["claims"] if cl["ref"] == claim)
        assert shown["review_status"] == "rejected"
        back = c.post("/evidence/review", data={"ref": claim, "decision": "accept", "csrf": token},
                      follow_redirects=False)
        assert back.status_code == 303
        assert "us_drawdown_announced" in {s["name"] for s in c.get("/evidence.json").json()["signposts"] if s["fired"]}


@pytest.mark.parametrize("path", [
    "/static/../manifest.json", "/static/%2e%2e/%2e%2e/run/manifest.json", "/static/..%2f..%2fapp.py",
    "/static//etc/passwd", "/static/%2fetc%2fpasswd", "/run/manifest.json", "/run/chunks/", "/static/",
    "/../../etc/passwd",
])
def test_no_path_traversal_or_listing(client, path):
    r = client.get(path)
    assert r.status_code in (404, 400, 405)
    assert "root:" not in r.text and '"format"' not in r.text


@pytest.mark.parametrize("run_id", ["../", "..", "/etc", "/", "../../etc/passwd", "run/../..", "run/chunks"])
def test_unknown_run_ids_are_refused(client, run_id):
    r = client.get("/overview.json", params={"run": run_id})
    assert r.status_code == 404 and "no run" in r.json()["error"]


@pytest.mark.parametrize("params, field", [
    ({"threshold": "abc"}, "threshold"), ({"threshold": "nan"}, "threshold"), ({"strategy": "nope"}, "strategy"),
    ({"outcome": "margin"}, "outcome"), ({"lo_threat_base": "2", "hi_threat_base": "1"}, "lo_threat_base"),
    ({"x": "'; drop table results; --"}, "x"), ({"lo_seed": "1"}, None),
])
def test_bad_parameters_get_one_clear_message(client, params, field):
    r = client.get("/futures.json", params=params)
    if field is None:  # unknown filters are ignored, not passed to SQL
        assert r.status_code == 200
        return
    assert r.status_code == 400, r.text
    assert field in r.json()["error"]
    html = client.get("/futures", params=params)
    assert html.status_code == 400 and "Traceback" not in html.text


@pytest.mark.parametrize("argv, field", [
    (["--host", "0.0.0.0"], "--token"), (["--host", "192.168.1.5", "--token", "short"], "--token"),
    (["--token", "sixteen chars; with spaces"], "--token"),
    (["--port", "70000"], "--port"), (["--case", "lake"], "--case"),
])
def test_serve_refuses_bad_options(argv, field, cli):
    code, _, err = cli("serve", *argv)
    assert code == 2 and field in err


def test_find_runs_stays_under_the_root(tmp_path, site):
    import os

    from forewarn.web.data import find_runs

    (tmp_path / "inside").mkdir()
    os.symlink(site[1], tmp_path / "inside" / "link-to-run")
    assert find_runs(tmp_path) == []
