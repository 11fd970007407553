"""Shared pieces of the dashboard tests: a small Kosovo run and an evidence store whose articles,
speakers, fact statements and addresses carry script-injection payloads."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

#: Each payload sets ``window.__xss`` if it ever runs in a browser.
PAYLOADS = [
    "<script>window.__xss='script'</script>",
    '<img src=x onerror="window.__xss=\'onerror\'">',
    '</style><svg onload="window.__xss=\'svg\'"><circle r="5"/></svg>',
    "\"><iframe srcdoc='<script>parent.__xss=1</script>'></iframe>",
]
#: The store refuses non-http(s) addresses; this one is http(s) but breaks out of an attribute if unescaped.
HOSTILE_URL = "https://example.org/a?q=\"><img src=x onerror=\"window.__xss='url'\">"
PAYLOAD_TEXT = " ".join(PAYLOADS)


def make_run(folder: Path, n: int = 300, seed: int = 7) -> Path:
    """A complete run of the built-in Kosovo case (``n`` futures × every strategy)."""
    from forewarn.engine.runner import run
    from forewarn.kosovo import load_kosovo_case

    out = folder / "run"
    run(load_kosovo_case(), n=n, method="lhs", seed=seed, out=out)
    return out


def make_hostile_store(default_store_file: Path, folder: Path) -> Path:
    """A copy of the default store plus one document and one fact full of payloads."""
    from forewarn.evidence import open_store

    path = folder / "hostile.db"
    shutil.copy(default_store_file, path)
    store = open_store(path)
    text = "Payload article. " + PAYLOAD_TEXT
    store.add_document(
        {"text": text, "sha256": hashlib.sha256(text.encode()).hexdigest(), "url": HOSTILE_URL,
         "title": "Title " + PAYLOADS[0], "outlet": PAYLOADS[1], "pub_date": "2025-03-01"},
        {
            "quotes": [{"speaker": PAYLOADS[1], "role": PAYLOADS[2], "text": "We said " + PAYLOAD_TEXT,
                        "kind": "direct", "start": 0, "end": 10, "sentence": PAYLOADS[3]}],
            # a claim that fires the us_drawdown_announced signpost, with a payload in its sentence
            "force_claims": [{"actor": "United States", "mission_or_location": "KFOR", "value": 100.0,
                              "unit": "troops", "kind": "reduction", "sentence": "The US announced a drawdown "
                              "of KFOR troops " + PAYLOADS[2], "start": 0, "end": 10, "as_of": "2025-03-01"}],
            "events": [{"date": "2025-03-01", "granularity": "day", "what": PAYLOADS[3],
                        "sentence": PAYLOADS[0], "start": 0, "end": 5}],
        },
    )
    csv = folder / "facts.csv"
    csv.write_text(
        "id,topic,entity,quantity,value,unit,as_of,source_url,statement\n"
        f'F9901,kfor,KFOR,xss_test,1,troops,2024,https://example.org/a,"{PAYLOAD_TEXT.replace(chr(34), chr(34) * 2)}"\n'
        f'F9902,kfor,KFOR,xss_test,2,troops,2024,https://example.org/b?q=<script>x</script>,"second figure"\n',
        encoding="utf-8",
    )
    store.load_facts(csv)
    store.close()
    return path
