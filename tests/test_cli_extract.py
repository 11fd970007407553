"""``forewarn extract``: JSON output with the annotation field names, tables, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DEV = Path(__file__).resolve().parent / "fixtures" / "articles" / "dev"
GOLD = [json.loads(line) for line in (DEV / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
OFFSETS = {"start", "end", "granularity"}  # provenance added to the gold fields


def test_json_has_exactly_the_gold_field_names(cli):
    r = cli("extract", str(DEV / "17.txt"), str(DEV / "16.txt"), "--json")
    assert r.exit_code == 0, r.stdout + r.stderr
    out = json.loads(r.stdout)
    assert [Path(o["path"]).name for o in out] == ["17.txt", "16.txt"]
    gold_q = set(GOLD[16]["quotes"][0])
    gold_c = set(GOLD[15]["force_claims"][0])
    gold_e = set(GOLD[15]["events"][0])
    for o in out:
        assert {"path", "pub_date", "quotes", "force_claims", "events"} <= set(o)
        assert o["quotes"] and o["force_claims"] and o["events"]
        for q in o["quotes"]:
            assert set(q) - OFFSETS - {"sentence"} == gold_q
        for c in o["force_claims"]:
            assert set(c) - OFFSETS == gold_c
        for e in o["events"]:
            assert set(e) - OFFSETS - {"sentence"} == gold_e
    assert out[0]["pub_date"] == "2024-06-12"
    assert out[0]["quotes"][0]["speaker"] == "Oddvar Lund"


def test_table_view(cli):
    r = cli("extract", str(DEV / "03.txt"))
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "Lleshi" in r.stdout and "undated" in r.stdout


def test_bad_files_exit_2_but_good_ones_are_printed(tmp_path, cli):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x00\x01\x02")
    r = cli("extract", str(DEV / "05.txt"), str(tmp_path / "missing.txt"), str(empty), str(binary), "--json")
    assert r.exit_code == 2
    out = json.loads(r.stdout)
    assert len(out) == 1 and out[0]["force_claims"]
    for name in ("missing.txt", "empty.txt", "bin.txt"):
        assert name in r.stderr


def test_console_script_exit_code(tmp_path):
    r = subprocess.run([sys.executable, "-m", "forewarn", "extract", str(tmp_path / "nope.txt")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert "no such file" in r.stderr


def test_a_folder_means_its_txt_files(tmp_path, cli):
    r = cli("extract", str(DEV), "--json")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert len(json.loads(r.stdout)) == 18
    r = cli("extract", str(tmp_path), "--json")
    assert r.exit_code == 2 and "no .txt" in r.stderr
