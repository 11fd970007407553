"""Score the extractor against hand annotations.

``python -m forewarn.monitor.evaluate DIR [--json]``: DIR holds ``NN.txt`` articles and a
``gold.jsonl`` (one JSON object per article, with ``id``), or ``*.txt`` files each with a sibling
``*.gold.json``; DIR may also be a single ``.txt`` file with its sibling ``.gold.json``.

Definitions (all figures are micro-averaged over the articles; per-article figures too):

- **quote match**: the texts are equal after normalisation (Unicode NFKC, curly quotes and
  apostrophes made straight, whitespace collapsed, surrounding punctuation dropped, case folded),
  or their word sets overlap substantially (Jaccard >= 0.6). Gold and extracted quotes are paired
  one to one, greedily, best overlap first.
- **quote precision / recall / F1** over those pairs; **direct-quote recall** = share of gold
  quotes of kind ``direct`` that are matched.
- **speaker accuracy**: share of matched quotes whose speakers are equal after folding diacritics,
  case and punctuation (``Vucic`` = ``Vučić``). **quote kind accuracy** and **role accuracy**
  likewise (informative).
- **claim match**: equal value (and equal ``value_max``) and the same sentence (equal after
  normalisation, one containing the other, or word Jaccard >= 0.5).
- **claim precision / recall / F1** over one-to-one pairs; **as-of year accuracy**: share of
  matched claims with a gold ``as_of`` whose extracted ``as_of`` has the same year; field
  accuracies (actor, mission_or_location, unit, kind, approx, exact as_of) are informative.
- **event match**: equal ``date`` (same granularity) and at least one shared content word
  between the gold ``what`` and the extracted sentence; **event precision / recall / F1** over
  one-to-one pairs. **event date accuracy**: gold events are paired with extracted events by the
  words they share (at least two content words, or a third of the gold's), one to one; it is
  the share of gold events whose paired event has the same date (unpaired gold events count as
  wrong).

``--split develop`` or ``--split heldout`` scores only the articles of that part of the fixed
split in ``devsplit.json`` (ids of the 44 annotated articles: rules are developed on one part and
the other is scored once, at the end); ``--ids 01,07`` scores the listed articles;
``--gazetteer FILE`` gives the case's gazetteer (its missions, forces and places; e.g. the Kosovo
case's ``src/forewarn/kosovo/gazetteer.toml``), without which only general knowledge is used.

Exit status 2 with a one-line message for a missing folder, a missing or malformed gold file, an
unknown split or an id that the gold file does not hold.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from .extract import extract, read_article
from .gazetteer import Gazetteer
from .text import fold

__all__ = ["evaluate_dir", "score_article", "load_gold", "load_split", "main", "TARGETS"]

TARGETS = {"quote_f1": 0.90, "speaker_accuracy": 0.90, "claim_f1": 0.85, "as_of_year_accuracy": 0.95,
           "event_f1": 0.80}

_STOP = {
    "the", "and", "that", "with", "from", "this", "have", "were", "will", "would", "their", "about", "after",
    "said", "says", "into", "over", "than", "been", "also", "they", "them", "which", "there", "what", "when",
}


def _norm_text(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)
    s = re.sub(r"[“”„«»\"]", '"', s)
    s = re.sub(r"[‘’`´]", "'", s)
    s = " ".join(s.split())
    return s.strip(" \"'.,;:").casefold()


def _words(s: str) -> set[str]:
    return set(re.findall(r"\w+", fold(s)))


def _jaccard(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)


def _content(s: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z]+", fold(s)) if len(w) >= 4 and w not in _STOP}


def _norm_name(s: str | None) -> str:
    if not s:
        return ""
    return " ".join(re.sub(r"[^\w\s]", " ", fold(s)).split())


def quote_similarity(a: str, b: str) -> float:
    """1.0 for equal normalised texts, else the word Jaccard (a match needs >= 0.6)."""
    na, nb = _norm_text(a), _norm_text(b)
    if na == nb:
        return 1.0
    return _jaccard(na, nb)


def _same_sentence(a: str, b: str) -> bool:
    na, nb = _norm_text(a), _norm_text(b)
    return na == nb or (len(na) > 10 and len(nb) > 10 and (na in nb or nb in na)) or _jaccard(na, nb) >= 0.5


def _pair(gold: list, pred: list, sim) -> list[tuple[int, int]]:
    """Greedy one-to-one pairing, best similarity first; ``sim`` returns a score or None."""
    scored = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            s = sim(g, p)
            if s is not None:
                scored.append((-s, gi, pi))
    scored.sort()
    used_g, used_p, pairs = set(), set(), []
    for _, gi, pi in scored:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        pairs.append((gi, pi))
    return sorted(pairs)


@dataclass
class Counts:
    """Raw counts behind the figures (summed over articles for the overall figures)."""

    n: dict[str, int] = field(default_factory=dict)

    def add(self, key: str, v: int = 1) -> None:
        self.n[key] = self.n.get(key, 0) + v

    def __iadd__(self, other: "Counts") -> "Counts":
        for k, v in other.n.items():
            self.add(k, v)
        return self

    def get(self, k: str) -> int:
        return self.n.get(k, 0)


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def _f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return 2 * p * r / (p + r) if p + r else 0.0


def figures(c: Counts) -> dict[str, float | int | None]:
    """Precision, recall, F1 and accuracies from counts."""
    qp = _ratio(c.get("q_match"), c.get("q_pred")) if c.get("q_pred") else (1.0 if not c.get("q_gold") else 0.0)
    qr = _ratio(c.get("q_match"), c.get("q_gold")) if c.get("q_gold") else (1.0 if not c.get("q_pred") else None)
    cp = _ratio(c.get("c_match"), c.get("c_pred")) if c.get("c_pred") else (1.0 if not c.get("c_gold") else 0.0)
    cr = _ratio(c.get("c_match"), c.get("c_gold")) if c.get("c_gold") else (1.0 if not c.get("c_pred") else None)
    ep = _ratio(c.get("e_match"), c.get("e_pred")) if c.get("e_pred") else (1.0 if not c.get("e_gold") else 0.0)
    er = _ratio(c.get("e_match"), c.get("e_gold")) if c.get("e_gold") else (1.0 if not c.get("e_pred") else None)
    out: dict[str, float | int | None] = {
        "quotes_gold": c.get("q_gold"), "quotes_extracted": c.get("q_pred"), "quotes_matched": c.get("q_match"),
        "quote_precision": qp, "quote_recall": qr, "quote_f1": _f1(qp, qr),
        "speaker_accuracy": _ratio(c.get("q_speaker"), c.get("q_match")),
        "direct_quote_recall": _ratio(c.get("q_direct_match"), c.get("q_direct")),
        "quote_kind_accuracy": _ratio(c.get("q_kind"), c.get("q_match")),
        "role_accuracy": _ratio(c.get("q_role"), c.get("q_match")),
        "claims_gold": c.get("c_gold"), "claims_extracted": c.get("c_pred"), "claims_matched": c.get("c_match"),
        "claim_precision": cp, "claim_recall": cr, "claim_f1": _f1(cp, cr),
        "as_of_year_accuracy": _ratio(c.get("c_asof_year"), c.get("c_asof_n")),
        "as_of_accuracy": _ratio(c.get("c_asof"), c.get("c_match")),
    }
    for f in ("actor", "mission_or_location", "unit", "kind", "approx"):
        out[f"claim_{f}_accuracy"] = _ratio(c.get("c_" + f), c.get("c_match"))
    out.update({
        "events_gold": c.get("e_gold"), "events_extracted": c.get("e_pred"), "events_matched": c.get("e_match"),
        "event_precision": ep, "event_recall": er, "event_f1": _f1(ep, er),
        "event_date_accuracy": _ratio(c.get("e_date_ok"), c.get("e_gold")),
    })
    return out


def score_article(gold: dict, pred: dict) -> Counts:
    """Counts for one article: ``gold`` and ``pred`` have ``quotes``, ``force_claims``, ``events``."""
    c = Counts()
    gq, pq = gold.get("quotes", []), pred.get("quotes", [])
    c.add("q_gold", len(gq))
    c.add("q_pred", len(pq))
    c.add("q_direct", sum(q.get("kind") == "direct" for q in gq))

    def qsim(g, p):
        s = quote_similarity(g["text"], p["text"])
        return s if s >= 0.6 else None

    for gi, pi in _pair(gq, pq, qsim):
        g, p = gq[gi], pq[pi]
        c.add("q_match")
        c.add("q_direct_match", g.get("kind") == "direct")
        c.add("q_speaker", _norm_name(g.get("speaker")) == _norm_name(p.get("speaker")))
        c.add("q_kind", g.get("kind") == p.get("kind"))
        c.add("q_role", _norm_name(g.get("role")) == _norm_name(p.get("role")))
    gc, pc = gold.get("force_claims", []), pred.get("force_claims", [])
    c.add("c_gold", len(gc))
    c.add("c_pred", len(pc))

    def csim(g, p):
        try:
            gv, pv = float(g["value"]), float(p["value"])
        except (TypeError, ValueError, KeyError):
            return None
        if abs(gv - pv) > 1e-6 * max(1.0, abs(gv)):
            return None
        if (g.get("value_max") is None) != (p.get("value_max") is None):
            return None
        if not _same_sentence(g.get("sentence", ""), p.get("sentence", "")):
            return None
        return 1.0 + _jaccard(g.get("sentence", ""), p.get("sentence", ""))

    for gi, pi in _pair(gc, pc, csim):
        g, p = gc[gi], pc[pi]
        c.add("c_match")
        if g.get("as_of"):
            c.add("c_asof_n")
            c.add("c_asof_year", bool(p.get("as_of")) and str(p["as_of"])[:4] == str(g["as_of"])[:4])
        c.add("c_asof", (p.get("as_of") or None) == (g.get("as_of") or None))
        for f in ("actor", "mission_or_location", "unit", "kind"):
            c.add("c_" + f, _norm_name(str(g.get(f))) == _norm_name(str(p.get(f))))
        c.add("c_approx", bool(g.get("approx")) == bool(p.get("approx")))
    ge, pe = gold.get("events", []), pred.get("events", [])
    c.add("e_gold", len(ge))
    c.add("e_pred", len(pe))

    def esim(g, p):
        if g.get("date") != p.get("date"):
            return None
        shared = _content(g.get("what", "")) & (_content(p.get("sentence", "")) | _content(p.get("what", "")))
        return float(len(shared)) if shared else None

    c.add("e_match", len(_pair(ge, pe, esim)))

    def tsim(g, p):
        gw = _content(g.get("what", ""))
        shared = gw & (_content(p.get("sentence", "")) | _content(p.get("what", "")))
        if len(shared) >= 2 or (gw and len(shared) / len(gw) >= 1 / 3):
            return len(shared) + (0.5 if g.get("date") == p.get("date") else 0.0)
        return None

    c.add("e_date_ok", sum(ge[gi].get("date") == pe[pi].get("date") for gi, pi in _pair(ge, pe, tsim)))
    return c


def load_gold(path: str | Path) -> list[tuple[Path, dict]]:
    """(article path, gold object) pairs for a folder or a single ``.txt`` file.

    Raises
    ------
    InputError
        For a missing folder or file, a missing, unreadable or malformed gold file.
    """
    p = Path(path)
    if not p.exists():
        raise InputError("no such folder or file", source=p)
    if p.is_file():
        if p.suffix != ".txt":
            raise InputError("expected a folder or an article .txt file", source=p)
        g = p.with_name(p.name[: -len(".txt")] + ".gold.json")
        return [(p, _read_gold_json(g))]
    gl = p / "gold.jsonl"
    pairs: list[tuple[Path, dict]] = []
    if gl.exists():
        try:
            lines = gl.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read gold file: {exc}", source=gl) from None
        for ln, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"bad JSON: {exc.msg}", source=gl, line=ln) from None
            _check_gold(obj, gl, ln)
            art = p / f"{obj['id']}.txt"
            if not art.exists():
                raise InputError(f"article {art.name} of gold id {obj['id']!r} is missing", source=gl, line=ln, field="id")
            pairs.append((art, obj))
    else:
        for art in sorted(p.glob("*.txt")):
            g = art.with_name(art.name[: -len(".txt")] + ".gold.json")
            if g.exists():
                pairs.append((art, _read_gold_json(g)))
    if not pairs:
        raise InputError("no gold annotations (gold.jsonl, or NAME.txt with NAME.gold.json)", source=p)
    return pairs


def _read_gold_json(g: Path) -> dict:
    if not g.exists():
        raise InputError("gold file missing", source=g)
    try:
        obj = json.loads(g.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read gold file: {exc}", source=g) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"bad JSON: {exc.msg}", source=g, line=exc.lineno) from None
    _check_gold(obj, g, None)
    return obj


def _check_gold(obj: object, src: Path, line: int | None) -> None:
    if not isinstance(obj, dict):
        raise InputError("a gold record must be a JSON object", source=src, line=line)
    for key in ("quotes", "force_claims", "events"):
        if not isinstance(obj.get(key), list):
            raise InputError(f"missing or non-list {key!r}", source=src, line=line, field=key)
    if "id" not in obj and src.name == "gold.jsonl":
        raise InputError("missing 'id'", source=src, line=line, field="id")


def load_split(part: str) -> list[str]:
    """The article ids of one part (``"develop"`` or ``"heldout"``) of the fixed split.

    Raises
    ------
    InputError
        For another part name.
    """
    from importlib import resources

    data = json.loads(resources.files("forewarn.monitor").joinpath("devsplit.json").read_text(encoding="utf-8"))
    if part not in ("develop", "heldout"):
        raise InputError(f"unknown split {part!r} (develop or heldout)", field="--split")
    return list(data[part])


def evaluate_dir(path: str | Path, ids: list[str] | None = None, *, gazetteer=None) -> dict:
    """Run :func:`~forewarn.monitor.extract.extract` on every annotated article and score it.

    Parameters
    ----------
    path : str or Path
        A folder or one article (see :func:`load_gold`).
    ids : list of str, optional
        Score only the articles with these gold ids.
    gazetteer : Gazetteer, optional
        Passed to :func:`~forewarn.monitor.extract.extract`.

    Returns ``{"overall": figures, "articles": [{"id", "path", **figures}, ...]}``.

    Raises
    ------
    InputError
        Bad gold files, or an id in ``ids`` that the gold file does not hold.
    """
    total = Counts()
    rows = []
    pairs = load_gold(path)
    if ids is not None:
        known = {str(g.get("id", a.stem)) for a, g in pairs}
        missing = [i for i in ids if i not in known]
        if missing:
            raise InputError(f"no article with id {', '.join(missing)} in the gold file", source=path, field="--ids")
        pairs = [(a, g) for a, g in pairs if str(g.get("id", a.stem)) in set(ids)]
    for art, gold in pairs:
        text, date, url = read_article(art)
        pub = date if date is not None else gold.get("pub_date")
        pred = extract(text, pub, url=url, gazetteer=gazetteer)
        c = score_article(gold, pred)
        total += c
        rows.append({"id": str(gold.get("id", art.stem)), "path": str(art), **figures(c)})
    return {"overall": figures(total), "articles": rows, "targets": TARGETS}


def _fmt(v) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.2f}"
    return str(v)


def _print(result: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    con = Console(width=max(Console().width, 132))
    cols = [("id", "id"), ("quote_precision", "q P"), ("quote_recall", "q R"), ("quote_f1", "q F1"),
            ("speaker_accuracy", "speaker"), ("direct_quote_recall", "direct R"), ("claim_precision", "c P"),
            ("claim_recall", "c R"), ("claim_f1", "c F1"), ("as_of_year_accuracy", "as-of yr"),
            ("event_f1", "ev F1"), ("event_date_accuracy", "ev date")]
    t = Table(title="extraction against the annotations", show_lines=False)
    for _, head in cols:
        t.add_column(head, justify="right")
    for row in result["articles"]:
        t.add_row(*[_fmt(row.get(k)) for k, _ in cols])
    ov = result["overall"]
    t.add_row(*(["[bold]all[/]"] + [f"[bold]{_fmt(ov.get(k))}[/]" for k, _ in cols[1:]]))
    con.print(t)
    t2 = Table(title="overall")
    t2.add_column("figure")
    t2.add_column("value", justify="right")
    t2.add_column("target", justify="right")
    for k, v in ov.items():
        tgt = result["targets"].get(k)
        mark = ""
        if tgt is not None and v is not None:
            mark = " [green]ok[/]" if v >= tgt else " [red]below[/]"
        t2.add_row(k, _fmt(v), (f"{tgt:.2f}" + mark) if tgt is not None else "")
    con.print(t2)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    ap = argparse.ArgumentParser(prog="python -m forewarn.monitor.evaluate", description="Score extraction against annotated articles.")
    ap.add_argument("path", help="folder with NN.txt + gold.jsonl (or NAME.txt + NAME.gold.json), or one .txt file")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--split", choices=("develop", "heldout"), help="score one part of the fixed split (devsplit.json)")
    ap.add_argument("--ids", help="score only these article ids (comma-separated)")
    ap.add_argument("--gazetteer", help="a case's gazetteer file (TOML) to extract with")
    args = ap.parse_args(argv)
    try:
        ids = load_split(args.split) if args.split else None
        if args.ids:
            wanted = [i.strip() for i in args.ids.split(",") if i.strip()]
            ids = [i for i in ids if i in wanted] if ids is not None else wanted
        gz = Gazetteer.from_toml(args.gazetteer) if args.gazetteer else None
        result = evaluate_dir(args.path, ids, gazetteer=gz)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        _print(result)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
