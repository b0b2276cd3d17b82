"""The synthetic scale-corpus generator (evals/synth.py)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from assistant.ingest import load_document
from assistant.structure import split_document

SYNTH_PATH = Path(__file__).resolve().parent.parent / "evals" / "synth.py"


@pytest.fixture(scope="module")
def synth():
    spec = importlib.util.spec_from_file_location("evals_synth", SYNTH_PATH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


def clause_count(paths: list[Path]) -> int:
    return sum(len(split_document(load_document(p))) for p in paths)


def test_small_corpus_has_the_asked_clause_count(synth, tmp_path):
    paths = synth.generate(tmp_path, chunks=300, docs=5, seed=7)
    assert len(paths) == 5
    assert all(p.exists() and p.suffix == ".txt" for p in paths)
    assert abs(clause_count(paths) - 300) <= 0.05 * 300


@pytest.mark.parametrize("chunks,docs", [(2, 1), (37, 4), (1000, None), (999, 3)])
def test_clause_count_across_shapes(synth, tmp_path, chunks, docs):
    paths = synth.generate(tmp_path, chunks=chunks, docs=docs, seed=1)
    assert abs(clause_count(paths) - chunks) <= max(1, 0.05 * chunks)


def test_same_seed_same_bytes_other_seed_other_text(synth, tmp_path):
    first = synth.generate(tmp_path / "a", chunks=300, docs=5, seed=11)
    second = synth.generate(tmp_path / "b", chunks=300, docs=5, seed=11)
    other = synth.generate(tmp_path / "c", chunks=300, docs=5, seed=12)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert [p.read_bytes() for p in first] != [p.read_bytes() for p in other]


def test_documents_are_marked_synthetic_and_policy_shaped(synth, tmp_path):
    for path in synth.generate(tmp_path, chunks=300, docs=5, seed=3):
        doc = load_document(path)
        assert doc.title.startswith("【合成测试】")
        clauses = split_document(doc)
        articles = {c.article for c in clauses}
        assert articles - {"前言", "结语"}, "articles recognised"
        assert any(c.clause_id.endswith(":s01") for c in clauses)
    texts = "".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("*.txt"))
    assert "（一）" in texts and "一、" in texts and "元" in texts


def test_regenerating_smaller_removes_stale_files(synth, tmp_path):
    synth.generate(tmp_path, chunks=300, docs=6, seed=0)
    paths = synth.generate(tmp_path, chunks=100, docs=2, seed=0)
    assert sorted(tmp_path.glob("*.txt")) == sorted(paths)
    assert abs(clause_count(paths) - 100) <= 5


def test_chinese_article_numbers_round_trip(synth):
    from assistant.numerals import cn_to_int

    for n in (1, 9, 10, 11, 20, 99, 100, 105, 110, 999, 1001):
        assert cn_to_int(synth.cn_number(n)) == n


def test_command_line(synth, tmp_path, capsys):
    assert synth.main([str(tmp_path), "--chunks", "50", "--docs", "2", "--seed", "4"]) == 0
    assert len(list(tmp_path.glob("synth-*.txt"))) == 2
    assert "50 clauses" in capsys.readouterr().out
