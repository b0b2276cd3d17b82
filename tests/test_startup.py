"""Start-up: the web page is built without loading the index (so ``python app.py`` serves
it while the index, jieba and the model load in the background), and everything that
needs the index loads it on first use."""
from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from assistant.eligibility import RULES_FILE, RuleBase
from assistant.errors import CorpusError
from assistant.settings import ROOT


def _load_app_module():
    spec = importlib.util.spec_from_file_location("policy_app", ROOT / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _conditions(rulebase: RuleBase) -> dict[str, list[tuple[str, str, str]]]:
    return {rid: [(c.id, c.citation.clause_id, c.citation.quote) for c in rule.conditions]
            for rid, rule in rulebase.rules.items()}


def test_rules_from_the_corpus_file_equal_the_rules_from_the_index(shared_fake_bot):
    settings = shared_fake_bot.settings
    from_index = RuleBase.load(settings.corpus_dir / RULES_FILE, shared_fake_bot.index.documents,
                               shared_fake_bot.index.snapshot.document_clauses)
    from_corpus = RuleBase.from_corpus(settings.corpus_dir)
    assert len(from_index.rules) == 6  # corpus/rules.yaml holds six rules
    assert _conditions(from_corpus) == _conditions(from_index)


def test_rules_without_their_document_are_empty(tmp_path):
    (tmp_path / RULES_FILE).write_text("document: not-here\nrules: []\n", encoding="utf-8")
    (tmp_path / "other.txt").write_text("一、总则\n企业应当开展培训。", encoding="utf-8")
    assert RuleBase.from_corpus(tmp_path).rules == {}


def test_the_page_is_built_without_loading_the_index(make_bot, seed_corpus):
    from assistant.ui import create_app

    bot = make_bot(seed_corpus)
    app = create_app(bot)
    assert bot.index.snapshot.documents == {}  # nothing loaded, nothing built
    assert not (bot.settings.index_dir / "manifest.json").exists()
    assert len(bot.rules.rules) == 6  # the HR tab has every rule, read from the corpus file

    documents = next(f.fn for f in app.fns.values() if f.name == "documents")  # the browser tab's page-load handler
    update = documents()[0]  # the document picker (the other outputs show its record and articles)
    assert [doc_id for _, doc_id in update["choices"]] == ["jineng-qiangqi-zhidao-yijian"]
    assert bot.index.corpus_version  # loaded (here: built) on first use


class _Bot:
    def __init__(self, error: Exception | None = None):
        self.error, self.warmed = error, 0

    def warm_up(self) -> None:
        self.warmed += 1
        if self.error:
            raise self.error


def test_app_warms_up_and_says_when_ready(capsys):
    app = _load_app_module()
    bot = _Bot()
    app.warm_up(bot)
    assert bot.warmed == 1
    assert "索引已就绪" in capsys.readouterr().out


def test_app_reports_a_warm_up_error_and_keeps_serving(capsys):
    app = _load_app_module()
    app.warm_up(_Bot(CorpusError("语料目录为空")))
    assert "错误: 语料目录为空" in capsys.readouterr().err


@pytest.mark.e2e
def test_app_refuses_to_start_without_a_corpus(tmp_path):
    env = {"POLICY_CORPUS_DIR": str(tmp_path / "missing"), "POLICY_INDEX_DIR": str(tmp_path / "index"),
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, str(ROOT / "app.py")], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2
    assert "语料目录不存在" in proc.stderr and "POLICY_CORPUS_DIR" in proc.stderr


def test_settings_from_env_then_overrides_with_folders_as_text(tmp_path):
    from pathlib import Path

    from assistant.settings import Settings

    env = {"POLICY_PORT": "7999", "POLICY_INDEX_DIR": "/srv/index", "POLICY_TOP_K": "5"}
    settings = Settings.from_env(env, index_dir=str(tmp_path / "idx"), top_k=3)
    assert settings.port == 7999  # from the environment, converted to int
    assert settings.index_dir == tmp_path / "idx" and isinstance(settings.index_dir, Path)  # override wins, as a Path
    assert settings.top_k == 3
