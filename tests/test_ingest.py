"""Article ingestion: the dev articles, copies and same-story copies, bad inputs, feeds, HTML,
URLs (from a local server), and storing what the extractor finds atomically."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forewarn.evidence import open_store
from forewarn.monitor import ingest as ing
from forewarn.monitor.ingest import ingest, minhash, similarity, text_sha256

DEV = Path(__file__).resolve().parent / "fixtures" / "articles" / "dev"
GOLD = [json.loads(line) for line in (DEV / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "store.db", defaults=False)
    yield s
    s.close()


@pytest.fixture
def no_extractor(monkeypatch):
    """Ingest without the extractor (fast, and independent of its quality)."""
    monkeypatch.setattr(ing, "_extractor", lambda gazetteer=None: None)


def test_dev_folder_stores_18_documents_with_their_dates(store, no_extractor):
    report = ingest(DEV, store)
    assert report.ok and report.counts() == {"stored": 18}
    docs = store.documents()
    assert len(docs) == 18
    by_url = {d["url"]: (None if pd.isna(d["pub_date"]) else d["pub_date"]) for d in docs.to_dict("records")}
    for g in GOLD:
        assert by_url[g["url"]] == g["pub_date"], g["id"]
    # eighteen different stories: each document is its own story
    assert (docs["story_id"] == docs["id"]).all()
    assert docs["text"].isna().all() if "text" in docs else True
    text = store.documents(with_text=True).set_index("url").loc[GOLD[0]["url"], "text"]
    assert text.startswith("NATO sends reserve battalion to Kosovo") and "URL:" not in text


def test_reingest_reports_duplicates_and_stores_nothing(store, no_extractor):
    ingest(DEV, store)
    before = store.counts()
    report = ingest(DEV, store)
    assert report.counts() == {"duplicate": 18}
    assert all(r.document_id is not None for r in report)
    assert store.counts() == before


def _article(n: str) -> tuple[dict, str]:
    raw = (DEV / f"{n}.txt").read_text(encoding="utf-8")
    body = raw.split("\n\n", 1)[1]
    return raw, body


def test_same_story_from_another_outlet_is_recognised(store, tmp_path, no_extractor):
    raw, body = _article("14")
    first = ingest(DEV / "14.txt", store).results[0]
    # Another outlet's copy: its own header, page furniture, a different URL, a word changed.
    copy = (
        "URL: https://mirror.example.net/world/kosovo-drones-2023\nDATE: 17 July 2023\n\n"
        "Mirror News | World | Share on Facebook\n\n"
        + body.replace("Kosovo", "Kosova", 1)
        + "\n\nRead more: other stories from the region."
    )
    p = tmp_path / "copy.txt"
    p.write_text(copy, encoding="utf-8")
    res = ingest(p, store).results[0]
    assert res.status == "same story", res.message
    assert res.story_id == first.document_id and res.document_id != first.document_id
    assert f"document {first.document_id}" in res.message
    assert res.pub_date == "2023-07-17"
    # a copy cut to its first half is the same story too (containment)
    half = tmp_path / "half.txt"
    half.write_text("URL: https://third.example.org/a\n\n" + body[: len(body) // 2], encoding="utf-8")
    assert ingest(half, store).results[0].status == "same story"
    docs = store.documents()
    assert docs["story_id"].nunique() == 1 and len(docs) == 3


def test_exact_copy_with_other_whitespace_is_a_duplicate(store, tmp_path, no_extractor):
    raw, body = _article("05")
    ingest(DEV / "05.txt", store)
    p = tmp_path / "same.txt"
    p.write_text("URL: https://elsewhere.example.org/x\n\n" + "  ".join(body.split()) + "\n", encoding="utf-8")
    res = ingest(p, store).results[0]
    assert res.status == "duplicate"
    assert store.counts()["documents"] == 1


def test_bad_inputs_each_give_a_message_and_the_rest_is_stored(store, tmp_path, no_extractor):
    folder = tmp_path / "batch"
    folder.mkdir()
    for n in ("02", "03"):
        (folder / f"{n}.txt").write_bytes((DEV / f"{n}.txt").read_bytes())
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    (folder / "picture.html").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    with open(folder / "huge.txt", "wb") as fh:
        fh.write(b"KFOR " * (1_100_000))  # 5.5 MB
    (folder / "empty.txt").write_text("")
    (folder / "headers_only.txt").write_text("URL: https://example.org/x\nDATE: 2024-01-01\n\n   \n")
    (folder / "broken.html").write_text("<html><head><title>x</title></head><body><div><script>var a=1;</script></div></body>")
    (folder / "broken.rss").write_text("<?xml version='1.0'?><rss><channel><title>Feed</title><item><title>unclosed")
    (folder / "latin1.txt").write_bytes("DATE: 2023-01-05\n\nKFOR's commander, Gen. Amadori, visited Mitrovica with 250 soldiers. Société générale à Prishtinë, déjà vu.".encode("latin-1"))
    report = ingest(folder, store)
    by_name = {Path(r.origin.split(" [")[0]).name: r for r in report}
    expect = {
        "binary.txt": "binary",
        "picture.html": "binary",
        "huge.txt": "too large",
        "empty.txt": "empty",
        "headers_only.txt": "empty",
        "broken.html": "no article text",
        "broken.rss": "feed",
    }
    for name, words in expect.items():
        r = by_name[name]
        assert r.status == "error" and words in r.message, (name, r.message)
        assert r.document_id is None
    assert by_name["02.txt"].status == "stored" and by_name["03.txt"].status == "stored"
    latin = by_name["latin1.txt"]
    assert latin.status == "stored" and any("UTF-8" in n for n in latin.notes), latin.notes
    assert not report.ok and len(report.errors) == len(expect)
    docs = store.documents(with_text=True)
    assert len(docs) == 3
    assert "Société" in docs[docs.pub_date == "2023-01-05"].iloc[0]["text"]


def test_missing_path_and_refused_scheme(store):
    report = ingest(["/no/such/file.txt", "ftp://example.org/a.txt", "file:///etc/hostname"], store)
    msgs = [r.message for r in report]
    assert "no such file" in msgs[0]
    assert all("http" in m for m in msgs[1:])
    assert store.counts()["documents"] == 0


HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>KFOR raises its presence in the north | Example Times</title>
<meta property="og:title" content="KFOR raises its presence in the north">
<meta property="og:site_name" content="Example Times">
<meta property="article:published_time" content="2024-03-26T09:00:00Z">
<link rel="canonical" href="https://times.example.com/kfor-north">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>KFOR raises its presence in the north</h1>
<p>NATO's peacekeeping force in Kosovo said on Tuesday it would send 200 more soldiers to the north
after weeks of tension at the border crossings, bringing the mission to about 4,700 troops.</p>
<p>"We are ready to act wherever stability is threatened," the commander said in a statement,
adding that patrols would continue around the clock in the municipalities of the north.</p>
<p>The reinforcement follows a decision taken by the alliance earlier this month, officials said.</p>
</article>
<footer>© Example Times</footer>
</body></html>
"""


def test_html_file_gives_text_and_metadata(store, tmp_path, no_extractor):
    p = tmp_path / "page.html"
    p.write_text(HTML, encoding="utf-8")
    r = ingest(p, store).results[0]
    assert r.status == "stored", r.message
    doc = store.documents(with_text=True).iloc[0]
    assert doc["pub_date"] == "2024-03-26"
    assert doc["url"] == "https://times.example.com/kfor-north"
    assert "KFOR raises its presence" in doc["title"]
    assert doc["outlet"] == "Example Times"
    assert "200 more soldiers" in doc["text"] and "Home" not in doc["text"]


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Balkan Wire</title><link>https://wire.example.org</link>
<item><title>Serbia signs Rafale contract</title><link>https://wire.example.org/rafale</link>
<pubDate>Fri, 30 Aug 2024 10:00:00 GMT</pubDate>
<description><![CDATA[<p>Serbia signed a contract for 12 Rafale fighter jets worth €2.7 billion, President Vučić said.</p><p>It is the largest arms purchase in the country's history.</p>]]></description></item>
<item><title>KFOR patrols increased</title><link>https://wire.example.org/patrols</link>
<pubDate>Sat, 31 Jul 2022 08:00:00 GMT</pubDate>
<description>KFOR said it stood ready to step in should stability in northern Kosovo be at risk.</description></item>
<item><title>No text</title><link>https://wire.example.org/empty</link></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Defence Notes</title>
<entry><title>Hungarian general takes KFOR command</title><link href="https://notes.example.org/hu"/>
<updated>2021-10-16T12:00:00Z</updated><id>urn:1</id>
<content type="html">&lt;p&gt;Major General Ferenc Kajári took command of KFOR, which has some 3,700 troops.&lt;/p&gt;</content></entry>
</feed>
"""


def test_rss_and_atom_feeds_give_one_document_per_entry(store, tmp_path, no_extractor):
    (tmp_path / "wire.rss").write_text(RSS, encoding="utf-8")
    (tmp_path / "notes.xml").write_text(ATOM, encoding="utf-8")
    report = ingest([tmp_path / "wire.rss", tmp_path / "notes.xml"], store)
    assert report.counts() == {"stored": 3}, report.to_frame()
    docs = store.documents(with_text=True).set_index("url")
    rafale = docs.loc["https://wire.example.org/rafale"]
    assert rafale["pub_date"] == "2024-08-30" and rafale["outlet"] == "Balkan Wire"
    assert "12 Rafale fighter jets" in rafale["text"] and "<p>" not in rafale["text"]
    assert docs.loc["https://wire.example.org/patrols", "pub_date"] == "2022-07-31"
    assert docs.loc["https://notes.example.org/hu", "pub_date"] == "2021-10-16"
    assert any("without text" in n for r in report for n in r.notes)
    assert "[entry 1]" in report.results[0].origin


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass

    def do_GET(self):
        if self.path == "/to-ftp":
            self.send_response(302)
            self.send_header("Location", "ftp://127.0.0.1/secret.txt")
            self.end_headers()
            return
        super().do_GET()


@pytest.fixture
def local_server(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_urls_from_a_local_server(store, local_server, no_extractor):
    root, base = local_server
    (root / "page.html").write_text(HTML, encoding="utf-8")
    (root / "article.txt").write_bytes((DEV / "09.txt").read_bytes())
    (root / "feed.rss").write_text(RSS, encoding="utf-8")
    (root / "big.txt").write_bytes(b"word " * 5000)
    report = ingest([f"{base}/page.html", f"{base}/article.txt", f"{base}/feed.rss", f"{base}/missing.html"], store)
    st_ = [r.status for r in report]
    assert st_ == ["stored", "stored", "stored", "stored", "error"], report.to_frame()
    assert "404" in report.results[-1].message
    docs = store.documents().set_index("url")
    assert docs.loc["https://times.example.com/kfor-north", "pub_date"] == "2024-03-26"
    nine = next(g for g in GOLD if g["id"] == "09")
    assert docs.loc[nine["url"], "pub_date"] == nine["pub_date"] == "2024-11-29"
    refused = ingest(f"{base}/to-ftp", store).results[0]
    assert refused.status == "error" and "refused address ftp://" in refused.message
    capped = ingest(f"{base}/big.txt", store, max_bytes=10_000).results[0]
    assert capped.status == "error" and "too large" in capped.message


def test_unreachable_url_times_out_or_is_refused(store, refused_port):
    r = ingest(f"http://127.0.0.1:{refused_port}/x.html", store, timeout=2).results[0]
    assert r.status == "error" and "cannot fetch" in r.message


def _fake_extract(text, pub_date, *, url=None):
    i = text.index("KFOR")
    return {
        "quotes": [],
        "force_claims": [
            {"actor": "NATO", "mission_or_location": "KFOR", "value": 1, "value_max": None, "unit": "troops", "as_of": pub_date,
             "approx": False, "kind": "strength", "sentence": text[:20], "start": i, "end": i + 4}
        ],
        "events": [{"date": pub_date or "2020", "what": "x", "sentence": text[:10], "start": 0, "end": 10}],
    }


def test_extracted_items_are_stored_with_the_document(store, tmp_path, monkeypatch):
    monkeypatch.setattr(ing, "_extractor", lambda gazetteer=None: _fake_extract)
    r = ingest(DEV / "02.txt", store).results[0]
    assert r.status == "stored" and r.force_claims == 1 and r.events == 1
    claim = store.force_claims().iloc[0]
    text = store.documents(with_text=True).iloc[0]["text"]
    assert text[claim["start"] : claim["end"]] == "KFOR"
    assert claim["as_of"] == "2025-11-20"


@pytest.mark.parametrize(
    "broken",
    [
        lambda text, pub_date, url=None: 1 / 0,
        lambda text, pub_date, url=None: {"events": [{"date": "2020", "start": 0, "end": len(text) + 5}]},
        lambda text, pub_date, url=None: ["not", "a", "dict"],
    ],
)
def test_failing_extraction_stores_nothing_of_that_article(store, monkeypatch, broken):
    monkeypatch.setattr(ing, "_extractor", lambda gazetteer=None: broken)
    report = ingest([DEV / "02.txt"], store)
    r = report.results[0]
    assert r.status == "error" and "extraction failed" in r.message
    assert store.counts()["documents"] == 0 and store.counts()["sources"] == 0


def test_real_extractor_items_are_stored(store):
    pytest.importorskip("forewarn.monitor.extract")
    report = ingest([DEV / "09.txt", DEV / "14.txt"], store)
    assert report.ok, report.to_frame()
    counts = store.counts()
    assert counts["quotes"] + counts["force_claims"] + counts["events"] > 0
    docs = store.documents(with_text=True).set_index("id")
    for table in (store.quotes(), store.force_claims(), store.events()):
        for row in table.to_dict("records"):
            if not pd.isna(row["start"]):
                text = docs.loc[row["document_id"], "text"]
                assert 0 <= row["start"] <= row["end"] <= len(text)


def test_minhash_of_identical_and_unrelated_texts():
    a = (DEV / "02.txt").read_text(encoding="utf-8")
    b = (DEV / "17.txt").read_text(encoding="utf-8")
    sa, sb = minhash(a), minhash(b)
    j, c = similarity(sa, np.vstack([sa, sb]))
    assert j[0] == 1.0 and c[0] == pytest.approx(1.0)
    assert j[1] < 0.1 and c[1] < 0.2
    assert sa.dtype == np.uint32 and sa.shape == (ing.NUM_PERM + 1,)
    assert text_sha256("a  b\n c") == text_sha256("a b c")


@settings(max_examples=30, deadline=None)
@given(
    words=st.lists(st.integers(0, 10_000).map(lambda i: f"w{i}"), min_size=60, max_size=200, unique=True),
    cut=st.floats(0.0, 1.0),
)
def test_minhash_estimates_jaccard(words, cut):
    k = int(len(words) * cut)
    a = " ".join(words)
    b = " ".join(words[:k] + [f"x{i}" for i in range(len(words) - k)])

    def shingles(t):
        w = t.split()
        return {" ".join(w[i : i + ing.SHINGLE]) for i in range(len(w) - ing.SHINGLE + 1)}

    sa_, sb_ = shingles(a), shingles(b)
    exact = len(sa_ & sb_) / len(sa_ | sb_)
    est, _ = similarity(minhash(a), minhash(b)[None, :])
    # 128 permutations: standard error <= 0.045; allow about four of them
    assert abs(est[0] - exact) <= 0.18
