"""Reading inputs: header lines, dates, encodings, folder walking, kinds of file."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forewarn.errors import InputError
from forewarn.monitor.sources import (
    decode_bytes,
    expand_inputs,
    is_url,
    normalize_date,
    read_input,
    read_text_article,
)

DEV = Path(__file__).resolve().parent / "fixtures" / "articles" / "dev"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2025-03", "2025-03"),
        ("2025", "2025"),
        ("2023-7-6", "2023-07-06"),
        ("2023-07-16T10:00:00+02:00", "2023-07-16"),
        ("unknown", None),
        ("", None),
        (None, None),
        ("11 March 2025", "2025-03-11"),
        ("Sunday, July 16, 2023", "2023-07-16"),
        ("Tue, 11 Mar 2025 08:00:00 GMT", "2025-03-11"),
        ("16. Juli 2023", "2023-07-16"),
    ],
)
def test_normalize_date(text, expected):
    assert normalize_date(text) == expected


@pytest.mark.parametrize("bad", ["2023-13", "2023-02-30", "not a date at all", "July 16", "page 12 of 2030"])
def test_normalize_date_rejects(bad):
    with pytest.raises(ValueError):
        normalize_date(bad)


def test_dev_headers_are_read_and_removed():
    doc = read_input(DEV / "02.txt")[0]
    assert doc.url.startswith("http") and doc.pub_date == "2025-11-20"
    assert not doc.text.startswith("URL:") and "DATE:" not in doc.text[:50]
    unknown = read_input(DEV / "03.txt")[0]
    assert unknown.pub_date is None and unknown.notes == []


def test_text_without_header_and_odd_date():
    doc = read_text_article("Just text.\nMore.", origin="x")
    assert doc.text == "Just text.\nMore." and doc.url is None and doc.pub_date is None
    doc = read_text_article("URL: https://a.example/b\nDATE: the other day\n\nBody.", origin="x")
    assert doc.pub_date is None and any("DATE" in n for n in doc.notes)
    doc = read_text_article("TITLE: T\nOUTLET: O\nDATE: 2024-08-30\n\nBody.", origin="x")
    assert (doc.title, doc.outlet, doc.pub_date, doc.text) == ("T", "O", "2024-08-30", "Body.")


def test_decoding():
    assert decode_bytes("Vučić".encode(), origin="x") == ("Vučić", [])
    assert decode_bytes(b"\xef\xbb\xbfBOM", origin="x") == ("BOM", [])
    text, notes = decode_bytes("Vučić ça".encode("utf-16"), origin="x")
    assert text == "Vučić ça"
    text, notes = decode_bytes("Priština, Société, Đakovica".encode("cp1250"), origin="x", declared="cp1250")
    assert text == "Priština, Société, Đakovica" and "cp1250" in notes[0]


def test_expand_inputs_walks_folders(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("x")
    (tmp_path / "a" / "y.HTML").write_text("y")
    (tmp_path / "a" / "notes.md").write_text("skip")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "z.txt").write_text("skip")
    (tmp_path / "feed.rss").write_text("f")
    got = expand_inputs([tmp_path, "https://example.org/a", tmp_path / "missing.txt"])
    names = [Path(g).name if not is_url(g) else g for g in got]
    assert names == ["x.txt", "y.HTML", "feed.rss", "https://example.org/a", "missing.txt"]
    dev = expand_inputs([DEV])
    assert len(dev) == 18 and all(p.endswith(".txt") for p in dev)


def test_xml_that_is_html_or_text_is_sniffed(tmp_path):
    page = tmp_path / "page.xml"
    page.write_text("<rss><channel><item><title>A</title><description>KFOR has 4,500 troops in Kosovo.</description></item></channel></rss>")
    docs = read_input(page)
    assert len(docs) == 1 and "4,500" in docs[0].text
    odd = tmp_path / "article"  # no suffix: plain text
    odd.write_text("DATE: 2020-01-02\n\nSome article text.")
    assert read_input(odd)[0].pub_date == "2020-01-02"


def test_folder_given_to_read_input_is_an_error(tmp_path):
    with pytest.raises(InputError, match="folder"):
        read_input(tmp_path)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>x</script>", "file:///etc/passwd", "http://"])
def test_a_url_header_that_is_not_a_web_link_is_refused_naming_line_and_field(tmp_path, url):
    p = tmp_path / "a.txt"
    p.write_text(f"DATE: 2024-01-02\nURL: {url}\n\nKFOR has 4,500 troops.", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_input(p)
    err = info.value
    assert err.source == str(p) and err.line == 2 and err.field == "URL" and "http" in err.message


def test_control_characters_and_terminal_escapes_are_removed():
    from forewarn.monitor.sources import clean_text

    raw = "KFOR\x1b[2J\x1b]0;owned\x07 has\x1b[31m 4,500\x1b[0m troops.\r\nNext\x00 line\x9b1m \u202eevil"
    assert clean_text(raw) == "KFOR has 4,500 troops.\nNext line evil"
    assert clean_text("tabs\tand\nnewlines stay") == "tabs\tand\nnewlines stay"


def test_a_feed_over_the_entry_limit_is_refused_before_parsing(tmp_path, monkeypatch):
    import feedparser

    from forewarn.monitor.sources import MAX_FEED_ENTRIES

    monkeypatch.setattr(feedparser, "parse", lambda *a, **k: pytest.fail("the feed was parsed"))
    items = "".join(f"<item><title>T{i}</title><description>KFOR story {i}</description></item>" for i in range(10_000))
    p = tmp_path / "big.rss"
    p.write_text(f"<?xml version='1.0'?><rss><channel><title>F</title>{items}</channel></rss>", encoding="utf-8")
    with pytest.raises(InputError, match=f"10,000 entries; the limit is {MAX_FEED_ENTRIES:,}"):
        read_input(p)


@pytest.mark.parametrize("url", ["http://[::1", "http://[::1]:port/x", "https://"])
def test_malformed_web_addresses_are_refused_with_a_message(url):
    with pytest.raises(InputError, match="not a valid web address") as info:
        read_input(url)
    assert info.value.source == url


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_clean_text_leaves_no_control_characters(text):
    from forewarn.monitor.sources import clean_text

    out = clean_text(text)
    assert not any((ord(c) < 32 and c not in "\t\n") or 0x7F <= ord(c) <= 0x9F or 0x202A <= ord(c) <= 0x202E
                   or 0x2066 <= ord(c) <= 0x2069 for c in out)
    assert clean_text(out) == out  # idempotent
