"""The evaluation: its definitions on small known cases, scores on the project's test articles and
(when the annotated set outside the repository is present) on real articles, its command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from forewarn.errors import InputError
from forewarn.monitor.evaluate import evaluate_dir, figures, load_gold, main, quote_similarity, score_article

DEV = Path(__file__).resolve().parent / "fixtures" / "articles" / "dev"
# Real annotated articles are evaluation material kept outside the repository.
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "articles"
RFE = SHARED / "rfe-kfor-us-troops.txt"
needs_shared = pytest.mark.skipif(not RFE.is_file(), reason="the annotated real articles (../shared/data/articles) are not present")


@pytest.fixture(scope="module")
def dev_result():
    from forewarn.kosovo.gazetteer import kosovo_gazetteer

    return evaluate_dir(DEV, gazetteer=kosovo_gazetteer())


def test_written_test_articles_score_at_least_what_the_extractor_reaches(dev_result):
    # Floors a little under what the extractor measured on these 18 articles when they were
    # written (quote F1 .83, speakers .89, claim F1 .89, as-of year .95, event F1 .77): a
    # change that loses ground on any kind of text fails here.
    ov = dev_result["overall"]
    assert ov["quotes_gold"] == 61 and ov["claims_gold"] == 59 and ov["events_gold"] == 20
    assert len(dev_result["articles"]) == 18
    floors = {"quote_precision": 0.90, "quote_f1": 0.80, "speaker_accuracy": 0.85, "claim_precision": 0.90,
              "claim_f1": 0.85, "as_of_year_accuracy": 0.90, "event_f1": 0.70}
    for key, floor in floors.items():
        assert ov[key] >= floor, f"{key} = {ov[key]:.3f} < {floor}"


@needs_shared
def test_real_framing_article_scores():
    from forewarn.kosovo.gazetteer import kosovo_gazetteer

    ov = evaluate_dir(RFE, gazetteer=kosovo_gazetteer())["overall"]
    assert ov["quote_f1"] >= 0.85 and ov["speaker_accuracy"] >= 0.85
    assert ov["claim_f1"] >= 0.80 and ov["as_of_year_accuracy"] >= 0.85


def test_quote_similarity_normalises_marks_and_space():
    assert quote_similarity("“We  are ready,”", '"we are ready"') == 1.0
    assert quote_similarity("I’d say so", "I'd say so.") == 1.0
    assert quote_similarity("completely different words here", "we are ready") < 0.6


def _gold(**kw):
    base = {"quotes": [], "force_claims": [], "events": []}
    base.update(kw)
    return base


def test_score_article_known_counts():
    claim = {"actor": "NATO", "mission_or_location": "KFOR", "value": 4000, "value_max": None, "unit": "troops",
             "as_of": "2021-10-16", "approx": True, "kind": "strength", "sentence": "KFOR has about 4,000 troops."}
    gold = _gold(
        quotes=[{"speaker": "Aleksandar Vučić", "role": None, "text": "We are ready.", "kind": "direct"},
                {"speaker": "NATO", "role": None, "text": "fully prepared", "kind": "partial"}],
        force_claims=[claim, dict(claim, value=28, unit="nations")],
        events=[{"date": "2021-10-15", "what": "change of command at Film City"}],
    )
    pred = _gold(
        quotes=[{"speaker": "Aleksandar Vucic", "role": None, "text": "We are ready", "kind": "direct"},
                {"speaker": "KFOR", "role": None, "text": "something else entirely", "kind": "direct"}],
        force_claims=[dict(claim, as_of="2021"), dict(claim, value=5)],
        events=[{"date": "2021-10-15", "what": "x", "sentence": "The change of command took place on 15th October."}],
    )
    f = figures(score_article(gold, pred))
    assert f["quote_precision"] == 0.5 and f["quote_recall"] == 0.5
    assert f["speaker_accuracy"] == 1.0  # diacritics do not count
    assert f["direct_quote_recall"] == 1.0
    assert f["claim_precision"] == 0.5 and f["claim_recall"] == 0.5
    assert f["as_of_year_accuracy"] == 1.0 and f["as_of_accuracy"] == 0.0
    assert f["event_f1"] == 1.0 and f["event_date_accuracy"] == 1.0


def test_score_article_empty_is_perfect():
    f = figures(score_article(_gold(), _gold()))
    assert f["quote_f1"] == 1.0 and f["claim_f1"] == 1.0 and f["event_f1"] == 1.0


def test_load_gold_errors(tmp_path):
    with pytest.raises(InputError, match="no such"):
        load_gold(tmp_path / "nope")
    with pytest.raises(InputError, match="no gold"):
        load_gold(tmp_path)
    (tmp_path / "gold.jsonl").write_text('{"id": "01", "quotes": []}\n', encoding="utf-8")
    with pytest.raises(InputError, match="force_claims"):
        load_gold(tmp_path)
    (tmp_path / "gold.jsonl").write_text("{not json\n", encoding="utf-8")
    with pytest.raises(InputError, match="gold.jsonl:1"):
        load_gold(tmp_path)
    (tmp_path / "gold.jsonl").write_text('{"id": "01", "quotes": [], "force_claims": [], "events": []}\n', encoding="utf-8")
    with pytest.raises(InputError, match="01.txt"):
        load_gold(tmp_path)


def test_main_json_and_exit_codes(tmp_path, capsys):
    assert main([str(DEV), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [a["id"] for a in out["articles"]][:2] == ["01", "02"] and "quote_f1" in out["overall"]
    assert main([str(tmp_path / "missing")]) == 2
    assert "error:" in capsys.readouterr().err


def test_module_runs_as_a_script():
    r = subprocess.run([sys.executable, "-m", "forewarn.monitor.evaluate", str(DEV)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "speaker_accuracy" in r.stdout
    r = subprocess.run([sys.executable, "-m", "forewarn.monitor.evaluate", "no/such/dir"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "no such" in r.stderr
