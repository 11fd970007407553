"""Only the project's own words: no run of 12 consecutive words from the annotated real articles
(``../shared/data/articles/``, evaluation material kept outside the repository) appears anywhere
in the source, tests, documentation or examples. Skipped when those articles are absent.

Compared: words, case-folded, with punctuation and white space dropped. Not compared: web
addresses (links to sources are welcome), the keys of JSON annotations (a shared file format, not
text), and runs that are mostly numbers or number words (``one 1 two 2 …`` is no one's prose).
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "articles"
RUN = 12
SCANNED = ("src", "tests", "docs", "examples", "benchmarks")
TEXT_SUFFIXES = {".py", ".md", ".txt", ".json", ".jsonl", ".toml", ".csv", ".html", ".j2", ".cfg", ".ini", ".yml", ".yaml",
                 ".rst", ".xml", ".rss", ".svg", ".sql", ".tsv", ""}
_WORD = re.compile(r"\w+")
_LINK = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_NUMBER_WORDS = set(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million billion dozen".split()
)

pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason="the real articles (../shared/data/articles) are not present")


def words(text: str) -> list[tuple[str, int]]:
    """Words (case-folded, NFKC, punctuation, white space and links dropped) with their line numbers."""
    text = _LINK.sub(lambda m: "\n" * m.group().count("\n"), unicodedata.normalize("NFKC", text).casefold())
    out = []
    line, last = 1, 0
    for m in _WORD.finditer(text):
        line += text.count("\n", last, m.start())
        last = m.start()
        out.append((m.group(), line))
    return out


def _numeric(run: tuple[str, ...]) -> bool:
    return sum(w.isdigit() or w in _NUMBER_WORDS for w in run) * 2 >= len(run)


def shingles(ws: list[str]) -> set[int]:
    runs = (tuple(ws[i : i + RUN]) for i in range(len(ws) - RUN + 1))
    return {hash(r) for r in runs if not _numeric(r)}


def _strings(obj) -> list[str]:
    """Every string value of parsed JSON (not the keys)."""
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in _strings(v)]
    if isinstance(obj, list):
        return [s for v in obj for s in _strings(v)]
    return []


def their_texts(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix in (".json", ".jsonl"):
        try:
            return [s for line in text.splitlines() if line.strip() for s in _strings(json.loads(line))] if path.suffix == ".jsonl" \
                else _strings(json.loads(text))
        except ValueError:
            pass
    return [text]


def tree_files():
    for top in SCANNED:
        for p in sorted((ROOT / top).rglob("*")):
            if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES and "__pycache__" not in p.parts and not p.name.startswith("."):
                yield p
    yield from sorted(p for p in ROOT.glob("*") if p.is_file() and p.suffix.lower() in {".md", ".toml", ".txt", ".cfg"})


def test_words_and_shingles_normalise_case_space_and_punctuation():
    a = [w for w, _ in words("KFOR, he said,\n  “is READY”—now.")]
    assert a == ["kfor", "he", "said", "is", "ready", "now"]
    assert [n for _, n in words("a\nb\n\nc")] == [1, 2, 4]
    ws = [f"w{i}" for i in range(13)]
    assert len(shingles(ws)) == 2 and shingles(ws[:11]) == set()
    assert shingles("one 1 two 2 three 3 four 4 five 5 six 6".split()) == set()
    assert [w for w, _ in words("see https://example.org/a-b-c now")] == ["see", "now"]


def test_no_run_of_twelve_words_from_the_real_articles_is_in_the_tree():
    theirs: set[int] = set()
    for p in sorted(SHARED.rglob("*")):
        if p.is_file():
            for text in their_texts(p):
                theirs |= shingles([w for w, _ in words(text)])
    assert len(theirs) > 10_000  # the articles were read
    found = []
    for p in tree_files():
        try:
            text = p.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        ws = words(text)
        plain = [w for w, _ in ws]
        for i in range(len(plain) - RUN + 1):
            if hash(tuple(plain[i : i + RUN])) in theirs and not _numeric(tuple(plain[i : i + RUN])):
                found.append(f"{p.relative_to(ROOT)}:{ws[i][1]}: {' '.join(plain[i : i + RUN])}")
                break  # one hit per file is enough to name it
    assert not found, "text from the real articles found in:\n" + "\n".join(found)
