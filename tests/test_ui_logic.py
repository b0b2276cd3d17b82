"""Unit tests for the web UI's logic without a browser: rendering (with escaping),
status labels, citation highlighting, the feedback store and the admin helpers."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field

import pytest

from assistant import presenter as view
from assistant.admin import (AdminAuth, AdminError, AuditLog, CorpusAdmin, RateLimiter, check_password,
                             document_rows, safe_filename, validate_upload)
from assistant.conversation import Conversation
from assistant.errors import DocumentReadError, InputError, UnsupportedFileError
from assistant.feedback import FeedbackStore, export_feedback
from assistant.feedback import main as feedback_main
from assistant.models import ANSWERED, NOT_FOUND, STATUSES, Answer, Citation
from assistant.settings import ROOT, Settings

XSS = "<img src=x onerror=alert(1)>"
QUOTE_60 = "保证60%以上用于一线职工教育和培训"


@pytest.fixture(scope="module")
def bot(shared_fake_bot):
    """The read-only fake-embedder assistant from conftest (index built on the seed corpus)."""
    return shared_fake_bot


def _citation(bot, needle: str) -> Citation:
    clause = next(c for c in bot.index.clauses if needle in c.text)
    return Citation(clause.doc_id, clause.doc_title, clause.article, clause.heading, clause.clause_id, clause.text)


# ---- status, escaping, highlighting ---------------------------------------------------------
def test_every_status_has_a_chinese_label():
    assert set(view.STATUS_LABELS) == set(STATUSES)
    assert view.status_label("answered") == "已回答"
    assert view.status_label("not_specified") == "文件未规定"
    assert view.status_label("not_found") == "未找到依据"
    assert view.status_label("needs_info") == "需要补充信息"
    assert "已回答" in view.status_badge(ANSWERED) and "status-answered" in view.status_badge(ANSWERED)


def test_question_html_escapes_markup_and_keeps_no_blank_lines():
    out = view.question_html(f"{XSS}\n\n第二行 & <b>")
    assert "<img" not in out and "&lt;img src=x onerror=alert(1)&gt;" in out
    assert "&amp; &lt;b&gt;" in out
    assert "\n" not in out  # a blank line would end the chat's HTML block


def test_highlight_marks_the_quote_and_escapes_everything_else():
    out = view.highlight("前文<script>。引用句。后文", "引用句。")
    assert out == "前文&lt;script&gt;。<mark>引用句。</mark>后文"
    assert view.highlight("没有引用", "别的") == "没有引用"
    assert "<mark>" not in view.highlight("文本", "")


def test_highlight_escapes_markup_inside_the_quote():
    assert view.highlight("a<b>c", "<b>") == "a<mark>&lt;b&gt;</mark>c"


def test_answer_html_escapes_answer_text_and_numbers_citations(bot):
    cite = _citation(bot, QUOTE_60)
    answer = Answer(ANSWERED, f"根据第九条：{XSS}[1]\n\n依据：\n[1] …", [cite, cite], corpus_version="v1", latency_ms=12)
    out = view.answer_html(answer, bot.index)
    assert "<img" not in out and "&lt;img src=x onerror=alert(1)&gt;" in out
    assert "已回答" in out and out.startswith('<div class="answer answer-answered">')
    assert out.count('<details class="citation citation-') == 2
    assert "[1] 《技能强企指导意见》第九条 强化技能强企资金保障" in out and "[2] 《" in out
    assert f"<mark>{cite.quote}</mark>" in out
    assert "语料版本 v1" in out and "\n" not in out
    # issue 15: the [1] in the text opens card 1; the basis list is not repeated above the cards
    assert '<a class="cite-ref cite-ref-1" href="#citation-1"' in out and "依据：" not in out
    assert out.count("在政策浏览中打开") == 2 and "::九</span>" in out


def test_answer_html_without_citations_has_no_citation_block(bot):
    out = view.answer_html(Answer(NOT_FOUND, "抱歉，没有找到。"), bot.index)
    assert "未找到依据" in out and "<details" not in out


def test_answer_html_marks_follow_ups(bot):
    answer = Answer(ANSWERED, "x", follow_up=True)
    assert view.answer_html(answer, bot.index).startswith('<div class="answer answer-answered follow-up-answer">')
    assert "已结合上一个问题理解" in view.answer_html(answer, bot.index)
    assert "follow-up" not in view.answer_html(Answer(ANSWERED, "x"), bot.index)


def test_cited_article_shows_the_whole_article_with_the_quote_marked(bot):
    cite = _citation(bot, QUOTE_60)
    out = view.cited_article_html(bot.index, cite)
    assert out.count("<mark>") == 1
    marked = re.search(r"<mark>(.*?)</mark>", out).group(1)
    assert QUOTE_60 in marked
    assert "建立健全多元经费投入机制" in out  # another sentence of article 九, unmarked
    assert "强化技能强企资金保障" in out


def test_cited_article_falls_back_to_the_quote_when_the_article_is_gone(bot):
    cite = Citation("missing-doc", "标题", "九", "", "missing-doc:a09:s01", "被引用的<句子>")
    assert view.cited_article_html(bot.index, cite) == "<mark>被引用的&lt;句子&gt;</mark>"


def test_answer_plain_is_clipboard_text():
    cite = Citation("d", "文件", "九", "", "d:a09:s01", "原文。")
    text = view.answer_plain(Answer(ANSWERED, "回答[1]", [cite]))
    assert text.startswith("【已回答】\n回答[1]") and "[1] 《文件》第九条：“原文。”" in text and "<" not in text


# ---- chat turns ------------------------------------------------------------------------------
def test_chat_turn_appends_question_and_answer(bot):
    convo = Conversation()
    history, answer = view.chat_turn(bot, "职工教育经费用在一线职工身上的比例有什么要求？", [], convo)
    assert answer is not None and [m["role"] for m in history] == ["user", "assistant"]
    assert history[1]["content"].startswith('<div class="answer answer-')
    assert convo.turns, "the session's conversation remembers the turn"
    history2, _ = view.chat_turn(bot, "那技师班毕业的算不算？", history, convo)
    assert len(history2) == 4 and len(convo.turns) == 2 and history2[:2] == history


def test_chat_turn_ignores_blank_questions(bot):
    assert view.chat_turn(bot, "   ", [{"role": "user", "content": "x"}], Conversation()) == (
        [{"role": "user", "content": "x"}], None)


def test_chat_turn_shows_domain_errors_in_the_chat():
    class Failing:
        index = None

        def ask_stream(self, question, conversation):
            raise InputError(f"坏问题 {XSS}")
            yield  # a generator, like PolicyAssistant.ask_stream

    history, answer = view.chat_turn(Failing(), "问题", [], Conversation())
    assert answer is None and "出错了" in history[-1]["content"] and "<img" not in history[-1]["content"]


def test_chat_turn_stream_shows_drafts_then_the_checked_answer(bot):
    final = bot.ask("职工教育经费用在一线职工身上的比例有什么要求？")

    class Streaming:  # what PolicyAssistant.ask_stream yields with an LLM writer
        index = bot.index

        def ask_stream(self, question, conversation):
            yield "企业应当"
            yield f"{XSS}[1]。"
            yield final

    steps = list(view.chat_turn_stream(Streaming(), "问题", [], Conversation()))
    assert [done for _, _, done in steps] == [False, False, True]
    assert "企业应当" in steps[0][0][-1]["content"] and "正在生成" in steps[0][0][-1]["content"]
    assert "<img" not in steps[1][0][-1]["content"]  # drafts are escaped too
    history, answer, _ = steps[-1]
    assert answer is final and "正在生成" not in history[-1]["content"] and "60%" in history[-1]["content"]


# ---- policy browser ---------------------------------------------------------------------------
def test_article_choices_follow_document_order(bot):
    doc_id = next(iter(bot.index.documents))
    choices = view.article_choices(bot.index, doc_id)
    assert choices[:3] == [("标题", "标题"), ("题注", "题注"), ("开头部分", "前言")]  # title and front matter: own parts
    assert ("第九条 强化技能强企资金保障", "九") in choices
    assert [a for _, a in choices][-1] == "结语"


def test_article_html(bot):
    doc = next(iter(bot.index.documents.values()))
    out = view.article_html(bot.index, doc.doc_id, "四")
    assert "第四条 大力推行中国特色学徒制" in out and "技师班毕业生" in out
    assert "没有找到" in view.article_html(bot.index, doc.doc_id, "九十九")


# ---- eligibility checker ---------------------------------------------------------------------
@dataclass
class Spec:
    name: str
    label: str
    kind: str
    choices: list = field(default_factory=list)


@dataclass
class Result:
    id: str
    text: str
    status: str
    citation: Citation | None


@dataclass
class FakeVerdict:
    rule_id: str
    title: str
    outcome: str
    conditions: list
    missing: list
    message: str

    def to_markdown(self) -> str:
        return f"# {self.title}\n"

    def to_csv(self) -> str:
        return "条件,结果\n" + "".join(f"{c.text},{c.status}\n" for c in self.conditions)


def test_facts_from_form_converts_and_drops_unknowns():
    specs = [Spec("grad", "毕业年度", "bool"), Spec("no", "否", "bool"), Spec("months", "期限", "months"),
             Spec("school", "学校", "choice", ["技师班", "高校"]), Spec("blank", "空", "months"),
             Spec("unsure", "不确定", "bool"), Spec("bad", "非法选项", "choice", ["甲"])]
    values = ["是", "否", " 半年 ", "技师班", "", "未知", None]
    assert view.facts_from_form(specs, values) == {"grad": True, "no": False, "months": "半年", "school": "技师班"}
    with pytest.raises(InputError, match="非法选项"):  # a value not in the list is refused, naming the field
        view.facts_from_form(specs, ["是", "否", "", "技师班", "", "", "乙"])
    with pytest.raises(InputError, match="毕业年度"):
        view.facts_from_form(specs, ["也许", "", "", "", "", "", ""])
    assert view.facts_from_form([Spec("m", "期限", "months")], [12]) == {"m": 12}


def test_verdict_html_shows_each_condition_with_status_and_citation(bot):
    cite = _citation(bot, "技师班毕业生")
    verdict = FakeVerdict("apprentice", "新型学徒补贴", "unknown",
                          [Result("c1", "签订半年以上实习协议", "met", cite), Result("c2", f"签订1年以上劳动合同{XSS}", "unmet", cite),
                           Result("c3", "毕业年度", "unknown", None)],
                          [Spec("contract", "劳动合同期限", "months")], f"说明{XSS}")
    out = view.verdict_html(verdict, bot.index)
    assert "<img" not in out and out.count("&lt;img") == 2
    assert "满足" in out and "不满足" in out and "未知" in out and "暂不能判断" in out
    assert "condition-status condition-met" in out and "condition-status condition-unmet" in out
    assert "condition-status condition-unknown" in out and 'class="verdict outcome-unknown"' in out
    assert "第四条" in out and "<mark>" in out and "还需补充：劳动合同期限" in out


def test_write_verdict_files(tmp_path):
    verdict = FakeVerdict("apprentice/../x", "新型学徒补贴", "eligible", [Result("c1", "条件", "met", None)], [], "")
    md, csv_path = view.write_verdict_files(verdict, tmp_path / "out")
    assert md.parent == csv_path.parent == tmp_path / "out"
    assert md.read_text(encoding="utf-8") == "# 新型学徒补贴\n"
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    assert "条件,met" in csv_path.read_text(encoding="utf-8-sig")
    assert md.name == "核对结果-新型学徒补贴.md"


def test_rule_intro_is_escaped():
    @dataclass
    class Rule:
        title: str = "补贴<b>"
        article: str = "四"
        summary: str = XSS

    out = view.rule_intro_html(Rule())
    assert "<img" not in out and "补贴&lt;b&gt;" in out and "第四条" in out


# ---- feedback store --------------------------------------------------------------------------
def _answer() -> Answer:
    cite = Citation("d", "文件", "九", "资金", "d:a09:s03", "保证60%以上用于一线职工教育和培训")
    return Answer(ANSWERED, "根据第九条……[1]", [cite], corpus_version="abc123", question="比例？")


def test_feedback_round_trip(tmp_path):
    store = FeedbackStore(tmp_path / "nested" / "dir" / "feedback.sqlite3")  # parent dirs are created
    first = store.add("up", _answer(), session="s1")
    second = store.add("down", _answer(), question="另一个问题", comment="不对", session="s2")
    rows = store.rows()
    assert [r["id"] for r in rows] == [second, first]  # newest first
    assert rows[1]["question"] == "比例？" and rows[0]["question"] == "另一个问题"
    assert rows[1]["citations"] == [_answer().citations[0].to_dict()]
    assert rows[1]["corpus_version"] == "abc123" and rows[1]["status"] == ANSWERED
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", rows[1]["created_at"])
    assert store.counts() == {"up": 1, "down": 1}


def test_feedback_comment_only_from_the_rating_session(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite3")
    row = store.add("up", _answer(), session="s1")
    assert not store.set_comment(row, "冒充", session="other")
    assert store.set_comment(row, "很有用", session="s1")
    assert store.rows()[0]["comment"] == "很有用"


def test_feedback_rejects_unknown_ratings(tmp_path):
    with pytest.raises(InputError):
        FeedbackStore(tmp_path / "f.sqlite3").add("meh", _answer())


def test_feedback_csv_export(tmp_path):
    path = tmp_path / "f.sqlite3"
    store = FeedbackStore(path)
    store.add("up", _answer(), comment="=HYPERLINK(\"http://x\")")
    store.add("down", _answer(), question="第二个")
    text = export_feedback(path)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["rating"] for r in rows] == ["up", "down"]  # oldest first in the export
    assert rows[0]["comment"].startswith("'=")  # spreadsheet formulas neutralised
    assert json.loads(rows[0]["citations"])[0]["quote"] == "保证60%以上用于一线职工教育和培训"
    assert rows[1]["question"] == "第二个" and rows[0]["corpus_version"] == "abc123"


def test_feedback_cli_writes_csv(tmp_path, capsys):
    path = tmp_path / "f.sqlite3"
    FeedbackStore(path).add("up", _answer())
    assert feedback_main([str(path)]) == 0
    assert capsys.readouterr().out.startswith('"id","created_at","rating"')  # every cell quoted


# ---- admin: names, passwords, rate limits, uploads --------------------------------------------
@pytest.mark.parametrize("name, expected", [
    ("policy.txt", "policy.txt"),
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\windows\\x.md", "x.md"),
    ("/abs/path/技能 政策(2024).PDF", "技能_政策(2024).pdf"),
    (".hidden.docx", "hidden.docx"),
    ("a\x00b\nc.txt", "abc.txt"),
    ("报告;rm -rf.txt", "报告_rm_-rf.txt"),
])
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


@pytest.mark.parametrize("name", ["..", "../", "noext", "x.exe", "x.meta.json", "lexicon.yaml", ".txt", "???.txt", ""])
def test_safe_filename_rejects(name):
    with pytest.raises(AdminError):
        safe_filename(name)


def test_check_password_is_exact_and_never_matches_an_unset_password():
    assert check_password("秘密-1", "秘密-1")
    assert not check_password("秘密-2", "秘密-1")
    assert not check_password("", "")
    assert not check_password("anything", "")


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_limiter_window():
    clock = Clock()
    limiter = RateLimiter(limit=5, window=60, clock=clock)
    for _ in range(5):
        assert not limiter.blocked("s")
        limiter.record("s")
    assert limiter.blocked("s") and not limiter.blocked("other")
    clock.now += 61
    assert not limiter.blocked("s")


def test_admin_login_rate_limited_per_session():
    clock = Clock()
    auth = AdminAuth("pw", RateLimiter(5, 60, clock), RateLimiter(30, 60, clock))
    for _ in range(5):
        assert auth.login("s1", "wrong") is False
    with pytest.raises(AdminError, match="过多"):
        auth.login("s1", "pw")  # blocked even with the right password
    assert auth.login("s2", "pw") is True  # another session is not affected
    clock.now += 61
    assert auth.login("s1", "pw") is True


def test_admin_login_rate_limited_overall():
    """Past the overall limit, addresses with recent failures are refused; an address
    without any may still log in with the right password (the admin is never locked out)."""
    clock = Clock()
    auth = AdminAuth("pw", RateLimiter(5, 60, clock), RateLimiter(6, 60, clock))
    for n in range(6):
        auth.login(f"10.0.0.{n}", "wrong")
    with pytest.raises(AdminError):
        auth.login("10.0.0.1", "pw")
    assert auth.login("10.9.9.9", "pw") is True


def test_admin_disabled_without_password():
    auth = AdminAuth("")
    assert not auth.enabled
    with pytest.raises(AdminError):
        auth.login("s", "")


def test_validate_upload_accepts_a_policy_text():
    data = "关于某事的通知\n一、总则。企业应当开展培训。\n".encode("utf-8")
    upload = validate_upload(data, "../通知.txt")
    assert upload.filename == "通知.txt" and upload.chars > 10
    assert upload.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("data, name, error", [
    (b"", "a.txt", AdminError),
    (b"x" * 2048, "a.txt", AdminError),  # over the (test) size limit
    ("正文".encode(), "a.exe", AdminError),
    ("正文".encode(), "a.pdf", UnsupportedFileError),  # not really a PDF
    (b"PK\x03\x04binary", "a.txt", UnsupportedFileError),  # a zip named .txt
    (b"PK\x03\x04not a docx", "a.docx", DocumentReadError),
    ("  \n \n".encode(), "a.txt", DocumentReadError),
])
def test_validate_upload_rejects(data, name, error):
    with pytest.raises(error):
        validate_upload(data, name, max_bytes=1024)


# ---- admin: corpus changes and audit ---------------------------------------------------------
@pytest.fixture()
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("文件甲\n一、内容。\n", encoding="utf-8")
    return CorpusAdmin(folder, AuditLog(tmp_path / "data" / "audit.jsonl"))


def _upload(text: str, name: str):
    return validate_upload(text.encode("utf-8"), name)


def test_corpus_add_new_file_is_audited(corpus):
    path = corpus.add(_upload("文件乙\n一、内容。", "b.txt"), actor="张三@127.0.0.1")
    assert path == corpus.dir / "b.txt" and path.read_text(encoding="utf-8").startswith("文件乙")
    entry = corpus.audit.entries()[0]
    assert entry["actor"] == "张三@127.0.0.1" and entry["action"] == "upload" and entry["target"] == "b.txt"
    assert entry["sha256"] and entry["time"]
    assert not list(corpus.dir.glob(".upload-*"))  # no temporary file left behind


def test_corpus_refuses_to_overwrite_unless_replacing(corpus):
    with pytest.raises(AdminError, match="替换"):
        corpus.add(_upload("新内容\n一、改了。", "a.txt"), actor="x")
    assert (corpus.dir / "a.txt").read_text(encoding="utf-8").startswith("文件甲")
    corpus.add(_upload("新内容\n一、改了。", "a.txt"), actor="x", replace=True)
    assert (corpus.dir / "a.txt").read_text(encoding="utf-8").startswith("新内容")
    assert corpus.audit.entries()[0]["action"] == "replace"


def test_corpus_same_document_id_with_another_extension_conflicts(corpus):
    with pytest.raises(AdminError):
        corpus.add(_upload("# 文件甲\n一、内容。", "a.md"), actor="x")
    corpus.add(_upload("# 文件甲\n一、内容。", "a.md"), actor="x", replace=True)
    assert sorted(p.name for p in corpus.files()) == ["a.md"]
    assert corpus.audit.entries()[0]["replaced"] == ["a.txt"]


def test_corpus_same_bytes_again_changes_nothing(corpus):
    data = (corpus.dir / "a.txt").read_bytes()
    corpus.add(validate_upload(data, "a.txt"), actor="x")
    assert corpus.audit.entries() == []


def test_corpus_delete(corpus):
    corpus.add(_upload("文件乙\n一、内容。", "b.txt"), actor="x")
    with pytest.raises(AdminError):
        corpus.delete("../a.txt", actor="x")
    corpus.delete("a.txt", actor="李四")
    assert [p.name for p in corpus.files()] == ["b.txt"]
    assert corpus.audit.entries()[0]["action"] == "delete" and corpus.audit.entries()[0]["actor"] == "李四"
    with pytest.raises(AdminError, match="最后一个"):
        corpus.delete("b.txt", actor="x")


def test_audit_log_skips_torn_lines(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl")
    log.append("a", "login")
    with open(log.path, "a", encoding="utf-8") as fh:
        fh.write("{torn\n")
    log.append("b", "logout")
    assert [e["actor"] for e in log.entries()] == ["b", "a"]


def test_document_rows(bot, tmp_path):
    files = sorted((ROOT / "corpus").glob("*.txt"))
    snap = bot.index.snapshot
    rows = document_rows(files, snap.documents, snap.records, shipped=lambda path: path.name == files[0].name)
    assert rows[0][:4] == [files[0].name, "人力资源社会保障部等8部门关于推动技能强企工作的指导意见", "有效", "随程序提供（受保护）"]
    assert rows[0][4] > 0
    new = tmp_path / "new.txt"
    new.write_text("新文件", encoding="utf-8")
    assert document_rows([new], snap.documents) == [["new.txt", "（尚未索引）", "", "管理员添加", 0.0]]


# ---- the gradio app (built, not served) ------------------------------------------------------
def test_importing_the_package_does_not_import_gradio():
    code = "import sys, assistant, assistant.ui, assistant.presenter, assistant.admin, assistant.feedback; print('gradio' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def _tabs(app) -> list[str]:
    import gradio as gr

    return [b.label for b in app.blocks.values() if isinstance(b, gr.Tab)]


def _handlers(app) -> dict[str, str]:
    return {f.name or "": f.api_visibility for f in app.fns.values()}


def _app(bot, tmp_path, **overrides):
    """create_app with settings pointing at temporary data (the fixture's bot is shared)."""
    from dataclasses import replace

    from assistant.ui import create_app

    settings = bot.settings
    bot.settings = replace(settings, feedback_db=tmp_path / "data" / "feedback.sqlite3", **overrides)
    try:
        return create_app(bot)
    finally:
        bot.settings = settings


def test_app_without_admin_password_has_no_admin_tab_or_handlers(bot, tmp_path):
    app = _app(bot, tmp_path, admin_password="")
    assert _tabs(app) == ["政策问答", "政策浏览", "资格核对（HR）"]
    names = _handlers(app)
    assert not {n for n in names if n.startswith("do_")}, names
    assert "respond" in names
    assert {v for n, v in names.items() if n != "load_example"} == {"private"}  # load_example: gradio's own


def test_app_with_admin_password_has_private_admin_handlers(bot, tmp_path):
    app = _app(bot, tmp_path, admin_password="pw")
    assert _tabs(app)[-1] == "知识库管理"
    names = _handlers(app)
    admin = {n: v for n, v in names.items() if n.startswith("do_")}
    assert {"do_login", "do_upload_file", "do_delete_file", "do_rebuild", "do_export", "do_logout"} <= set(admin)
    assert set(admin.values()) == {"private"}


def test_launch_options_are_local_only():
    from assistant.ui import launch_options

    options = launch_options(Settings.from_env(environ={}, host="127.0.0.1", port=7999))
    assert options["server_name"] == "127.0.0.1" and options["server_port"] == 7999
    assert options["share"] is False and options["inbrowser"] is False


def test_partial_quote_is_marked_inside_its_sentence(bot):
    clause = next(c for c in bot.index.clauses if "技师班毕业生" in c.text)
    cite = Citation(clause.doc_id, clause.doc_title, clause.article, clause.heading, clause.clause_id, "签订半年以上实习协议")
    out = view.cited_article_html(bot.index, cite)
    assert re.search(r"<mark>(.*?)</mark>", out).group(1) == "签订半年以上实习协议"


def test_real_rule_base_verdict_renders(bot):
    rules = bot.rules
    rule = rules.rules["apprentice_subsidy"]
    values = {"graduate_type": "技工院校技师班毕业生", "graduating_year": "是", "internship_months": "半年",
              "contract_months": "6", "same_employer": "未知"}
    facts = view.facts_from_form(rule.facts, [values.get(f.name) for f in rule.facts])
    verdict = rules.check(rule.id, facts)
    out = view.verdict_html(verdict, bot.index)
    assert verdict.outcome == "not_eligible"
    assert all(f"condition-status condition-{s}" in out for s in ("met", "unmet", "unknown"))
    assert "不符合条件" in out and out.count("<mark>") == len(verdict.conditions)


def test_admin_auth_reports_remaining_attempts():
    auth = AdminAuth("pw", RateLimiter(5, 60, Clock()), RateLimiter(30, 60, Clock()))
    assert auth.remaining("s") == 5
    auth.login("s", "x")
    auth.login("s", "y")
    assert auth.remaining("s") == 3 and auth.remaining("t") == 5


# ---- issue 17: the admin's rule editor and the checker that lists rules by document -------------------
HANDBOOK = """# 示例公司员工关怀办法

第一条 为关心员工生活，制定本办法。

第二条 员工在本公司连续工作满三年的，每年可以享受一次健康体检补助，补助标准为八百元。
"""


def test_a_rule_saved_in_the_admin_tab_is_listed_and_checked_at_once(make_bot, seed_corpus, tmp_path):
    from types import SimpleNamespace

    from assistant.rulebook import editor_rows
    from assistant.ui import create_app
    from assistant.ui_check import form_args

    (seed_corpus / "guanhuai.md").write_text(HANDBOOK, encoding="utf-8")
    bot = make_bot(seed_corpus, admin_password="pw", feedback_db=tmp_path / "data" / "feedback.sqlite3")
    bot.ingest()
    fns = {f.name: f.fn for f in create_app(bot).fns.values() if f.name}
    token = fns["do_login"]("王管理", "pw", SimpleNamespace(session_hash="s", client=SimpleNamespace(host="10.0.0.7")))[0]
    note, source, *_ = fns["rules_find"](token, "guanhuai")
    assert note.startswith("《示例公司员工关怀办法》：1 条候选规则，0 条已有规则")
    assert source["choices"][0] == ("候选 1：第二条 每年可以享受一次健康体检补助，补…", "suggestion:1")
    rule_id, title, topic, rows, draft, _ = fns["rules_pick"](token, "guanhuai", "suggestion:1")
    assert rule_id == "guanhuai-1" and rows == editor_rows(draft)
    rows[0][3] = "24"  # HR adjusts the threshold: two years
    note, _ = fns["rules_save"](token, "guanhuai", draft, rule_id, "健康体检补助", "", rows)
    assert note.startswith("已保存规则“健康体检补助”（guanhuai-1") and "用例 2/2 通过" in note
    from assistant.admin import AUDIT_FILE

    audit = AuditLog(tmp_path / "data" / AUDIT_FILE)
    assert [(e["action"], e["target"]) for e in audit.entries(limit=1)] == [("rule_add", "guanhuai-1")]
    rows[0][6] = "员工在本公司连续工作满两年的"
    note, _ = fns["rules_save"](token, "guanhuai", draft, rule_id, "健康体检补助", "", rows)
    assert note.startswith("**未完成：**") and "逐字复制" in note and "Traceback" not in note

    overview, pick, intro, keys, *_ = fns["refresh_rules"]("apprentice_subsidy", [])  # the checker, no restart
    assert ("健康体检补助（《示例公司员工关怀办法》）", "guanhuai-1") in pick["choices"]
    assert "《示例公司员工关怀办法》" in overview and "健康体检补助" in overview
    html, md, _ = fns["check"](*form_args(bot.rules, "guanhuai-1", {"f1": "两年"}), "", "", "", "")
    assert "outcome-eligible" in html and "员工在本公司连续工作满三年的" in html and md["visible"] is True
    (seed_corpus / "guanhuai.md").write_text(HANDBOOK.replace("满三年", "满五年"), encoding="utf-8")
    bot.ingest()  # the quote is gone: the rule is off, shown with the reason, never used
    overview, *_ = fns["refresh_rules"]("guanhuai-1", keys)
    assert "<details class=\"rule-overview\" open><summary>按文件列出的权益规则（1 条已停用）" in overview
    assert "引文不在原文中" in overview
    html, _, _ = fns["check"](*form_args(bot.rules, "guanhuai-1", {"f1": "两年"}), "", "", "", "")
    assert "已停用" in html and "verdict" not in html
