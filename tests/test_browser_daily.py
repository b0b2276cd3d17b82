"""Issue 15 in a real browser (Debian chromium through playwright, ``python app.py`` via
:class:`assistant.appprocess.AppProcess`): Enter sends and Shift+Enter makes a new line,
no English word in the visible page, aria labels or toasts, inline [n] opens its
citation, HR exports carry the employee fields under Chinese headers, invalid HR input
is refused naming the field, the phone viewport shows the question box, the main
controls meet 4.5:1 contrast (computed from the rendered colours), and a deleted
document can be restored. Set POLICY_UPDATE_SCREENSHOT=1 to refresh docs/screenshot-*.png."""
from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pytest

from browser_support import admin_app, delete_document, login_admin, open_tab, require_browser

sync_api = require_browser()
ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]

ADMIN_PASSWORD = "日常-管理密码-1"
ANSWER_TIMEOUT = 60_000
QUESTION = "职工教育经费用在一线职工身上的比例有什么要求？"
DOCS = ROOT / "docs"
# English words gradio (or we) could leave on the page; any one of them fails the test
ENGLISH = ["processing", "More tabs", "message", "Clear", "Like", "Dislike", "Invalid", "file type", "Error",
           "Loading", "Upload", "Drop", "Click", "chatbot", "conversation", "eligible", "met", "unmet",
           "unknown", "login", "ingest", "upload", "delete", "outcome", "status", "rule", "Copy", "Retry", "Undo",
           "Submit", "Download", "Share", "Built with", "Gradio", "API", "Settings", "Waiting", "queue"]
VISIBLE_TEXT_JS = """() => {
  const parts = [document.body.innerText];
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
    if (el.closest('[hidden]')) continue;
    for (const a of ['aria-label', 'title', 'placeholder']) { const v = el.getAttribute(a); if (v) parts.push(v); }
  }
  return parts.join('\\n');
}"""
CONTRAST_JS = """(selector) => {
  const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = (el) => { let layers = [];
    for (let n = el; n; n = n.parentElement) { const c = parse(getComputedStyle(n).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } }
    let out = [255, 255, 255];
    for (const c of layers.reverse()) out = out.map((v, i) => c[i] * c[3] + v * (1 - c[3]));
    return out; };
  const results = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!el.offsetParent && getComputedStyle(el).position !== 'fixed') continue;
    const style = getComputedStyle(el);
    const fg = parse(el.matches('textarea, input') ? style.getPropertyValue('--placeholder') || style.color : style.color);
    const bg = background(el);
    const blend = fg[3] < 1 ? fg.map((v, i) => i < 3 ? v * fg[3] + bg[i] * (1 - fg[3]) : 1) : fg;
    const [a, b] = [lum(blend), lum(bg)].sort((x, y) => y - x);
    results.push({text: (el.innerText || el.getAttribute('placeholder') || '').trim().slice(0, 20), ratio: (a + 0.05) / (b + 0.05)});
  }
  return results;
}"""
PLACEHOLDER_JS = """() => { const box = document.querySelector('#question textarea');
  const fg = getComputedStyle(box, '::placeholder').color; return fg; }"""


def english_words(text: str) -> list[str]:
    return [w for w in ENGLISH if re.search(rf"(?<![A-Za-z]){re.escape(w)}(?![A-Za-z])", text, re.I)]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with admin_app(tmp_path_factory, "daily", ADMIN_PASSWORD) as process:
        yield process


def open_page(browser, app, width=1366, height=900, locale="zh-CN"):
    context = browser.new_context(viewport={"width": width, "height": height}, locale=locale, accept_downloads=True)
    page = context.new_page()
    page.goto(app.url + "/")
    page.wait_for_selector("#question textarea")
    return context, page


def ask_with_enter(page, question: str):
    before = page.locator("#chat .answer").count()
    box = page.locator("#question textarea")
    box.click()
    box.fill(question)
    box.press("Enter")
    page.wait_for_function("n => document.querySelectorAll('#chat .answer').length > n", arg=before,
                           timeout=ANSWER_TIMEOUT)
    return page.locator("#chat .answer").nth(before)



def screenshot(page, name: str) -> None:
    target = DOCS / f"screenshot-{name}.png"
    if os.environ.get("POLICY_UPDATE_SCREENSHOT") == "1" or not target.exists():
        DOCS.mkdir(exist_ok=True)
        page.screenshot(path=str(target))


# ---- item 1: Enter sends, Shift+Enter makes a new line ------------------------------------------
def test_enter_sends_and_shift_enter_makes_a_new_line(browser, app):
    context, page = open_page(browser, app)
    try:
        box = page.locator("#question textarea")
        box.click()
        box.type("第一行")
        box.press("Shift+Enter")
        box.type("第二行")
        assert box.input_value() == "第一行\n第二行"
        assert page.locator("#chat .question").count() == 0  # Shift+Enter did not send
        assert "Enter 发送" in page.locator("#question").inner_text()  # the hint is on the page
        box.fill("")
        answer = ask_with_enter(page, QUESTION)
        assert "60%" in answer.inner_text()
        assert box.input_value() == ""  # sent and cleared
        box.press("Enter")  # an empty question: a short message, nothing sent
        page.get_by_text("请先输入问题").first.wait_for()
        assert page.locator("#chat .question").count() == 1
    finally:
        context.close()


# ---- item 2: one Chinese vocabulary, no English on the page -------------------------------------
@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_no_english_words_in_the_visible_page_or_toasts(browser, app, locale):
    context, page = open_page(browser, app, locale=locale)
    try:
        answer = ask_with_enter(page, QUESTION)
        answer.locator("a.cite-ref").first.wait_for()
        seen = [page.evaluate(VISIBLE_TEXT_JS)]
        page.get_by_role("tab", name="资格核对（HR）").click()
        page.locator(".check-rule:visible").click()
        page.locator("#verdict .verdict").wait_for()
        seen.append(page.evaluate(VISIBLE_TEXT_JS))
        page.get_by_role("tab", name="政策浏览").click()
        page.locator("#browse-text .article").wait_for()
        seen.append(page.evaluate(VISIBLE_TEXT_JS))
        login_admin(page, ADMIN_PASSWORD)
        page.set_input_files("#admin-upload input[type=file]",
                             files=[{"name": "bad.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"}])
        page.get_by_role("button", name="切分无误，上传并重建索引").click()
        page.locator("#admin-note", has_text="不支持的文件类型").wait_for(timeout=ANSWER_TIMEOUT)
        page.get_by_text("审计日志").click()
        page.locator("#audit-log", has_text="登录").first.wait_for()
        seen.append(page.evaluate(VISIBLE_TEXT_JS))
        text = "\n".join(seen)
        assert english_words(text) == [], english_words(text)
        assert "<div" not in text  # no raw HTML in aria labels
    finally:
        context.close()


# ---- item 4: inline [n] opens that citation; cards name their document ----------------------------
def test_clicking_an_inline_marker_opens_that_citation(browser, app):
    context, page = open_page(browser, app)
    try:
        answer = ask_with_enter(page, QUESTION)
        assert answer.locator(".status-badge").count() == 1
        assert "依据：" not in answer.locator(".answer-text").inner_text()  # no basis list repeating the cards
        for summary in answer.locator("details.citation summary").all_inner_texts():
            assert re.match(r"\[\d+\] 《.+》第.+条", summary)
        marker = answer.locator("a.cite-ref").first
        number = marker.inner_text().strip("[]")
        card = answer.locator(f"details.citation-{number}")
        assert card.get_attribute("open") is None
        marker.click()
        page.wait_for_function("el => el.open", arg=card.element_handle())
        card.locator("mark").wait_for(state="visible")
        assert card.locator("mark").is_visible()
        card.locator("a.open-article").click()  # the article in context, in the policy browser
        page.locator("#browse-text", has_text="保证60%以上用于一线职工教育和培训").wait_for()
        assert page.get_by_role("tab", name="政策浏览").get_attribute("aria-selected") == "true"
        screenshot_chat = context.new_page()
        screenshot_chat.close()
    finally:
        context.close()


# ---- item 3: HR records ----------------------------------------------------------------------------
def _fill_apprentice(page):
    page.get_by_label("毕业生类别").click()
    page.get_by_role("option", name="技工院校技师班毕业生").click()
    page.get_by_label("实习协议期限（月数，如 6、12 或“半年”）").fill("半年")
    page.get_by_label("毕业后劳动合同期限（月数，如 6、12 或“半年”）").fill("6")


def test_hr_exports_hold_the_employee_fields_under_chinese_headers(browser, app):
    context, page = open_page(browser, app)
    try:
        page.get_by_role("tab", name="资格核对（HR）").click()
        page.fill("#record-employee_name input, #record-employee_name textarea", "张三")
        page.fill("#record-employee_id input, #record-employee_id textarea", "E-1024")
        page.fill("#record-checked_on input, #record-checked_on textarea", "2025-03-01")
        page.fill("#record-checker input, #record-checker textarea", "李人事")
        _fill_apprentice(page)
        page.locator(".check-rule:visible").click()
        verdict = page.locator("#verdict .verdict")
        verdict.wait_for()
        assert "张三" in verdict.inner_text() and "语料版本" in verdict.inner_text()
        with page.expect_download() as download:
            page.locator("#export-csv").click()
        assert download.value.suggested_filename.startswith("核对结果-新型学徒补贴-张三-2025-03-01")
        rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
        assert rows and rows[0]["员工姓名"] == "张三" and rows[0]["员工编号"] == "E-1024"
        assert rows[0]["核对日期"] == "2025-03-01" and rows[0]["核对人"] == "李人事"
        assert rows[0]["核对结论"] == "不符合条件" and "人力资源社会保障部" in rows[0]["依据文件"]
        assert rows[0]["语料版本"] and {r["条件结果"] for r in rows} <= {"满足", "不满足", "未知"}
        with page.expect_download() as download:
            page.locator("#export-md").click()
        md = Path(download.value.path()).read_text(encoding="utf-8")
        assert "| 员工姓名 | 张三 |" in md and "| 核对人 | 李人事 |" in md and "语料版本" in md
        page.locator("#export-page").wait_for(state="visible")
        with page.expect_download() as download:
            page.locator("#export-page").click()
        assert "张三" in Path(download.value.path()).read_text(encoding="utf-8")
        screenshot(page, "hr-desktop")

        page.get_by_label("待遇 / 资格").click()  # another entitlement: the old verdict and exports go
        page.get_by_role("option", name="企业直接认定技能等级").click()
        page.wait_for_function("() => !document.querySelector('#verdict .verdict')")
        assert not page.locator("#export-csv").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("typed", ["abc", "150%", "NaN"])
def test_invalid_hr_input_is_refused_naming_the_field(browser, app, typed):
    context, page = open_page(browser, app)
    try:
        page.get_by_role("tab", name="资格核对（HR）").click()
        page.get_by_label("待遇 / 资格").click()
        page.get_by_role("option", name="职工教育经费使用").click()
        field = page.locator("label:visible", has_text="百分比").first
        field.locator("xpath=..").locator("input, textarea").first.fill(typed)
        page.locator(".check-rule:visible").click()
        page.locator("#verdict", has_text="填写有误").wait_for()
        assert page.locator("#verdict .verdict").count() == 0 and not page.locator("#export-csv").is_visible()
    finally:
        context.close()


def test_hr_batch_check_of_several_employees(browser, app):
    context, page = open_page(browser, app)
    try:
        page.get_by_role("tab", name="资格核对（HR）").click()
        page.get_by_text("批量核对（多名员工）").click()
        header = page.locator("#batch-template textarea").input_value()
        table = (header + "\n" + "张三,E1,技工院校技师班毕业生,是,半年,12,是\n" + "李四,E2,高校毕业生,否,3,12,是\n"
                 + "王五,E3,高校毕业生,是,abc,12,是\n")
        page.fill("#batch-table textarea", table)
        page.click("#batch-run")
        page.locator("#batch-note", has_text="已核对 3 名员工").wait_for()
        assert "实习协议期限" in page.locator("#batch-note").inner_text()  # row 4's bad value, field named
        with page.expect_download() as download:
            page.locator("#batch-download").click()
        rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
        assert [(r["员工姓名"], r["核对结论"]) for r in rows] == [("张三", "符合条件"), ("李四", "不符合条件"),
                                                                 ("王五", "未核对")]
    finally:
        context.close()


# ---- item 7: phone, contrast ----------------------------------------------------------------------
def test_phone_viewport_shows_the_question_box_without_scrolling(browser, app):
    context, page = open_page(browser, app, width=390, height=844)
    try:
        box = page.locator("#question textarea").bounding_box()
        send = page.locator("#send").bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 844, box
        assert send["y"] + send["height"] <= 844, send
        ask_with_enter(page, QUESTION)
        box = page.locator("#question textarea").bounding_box()
        assert box["y"] + box["height"] <= 844 + page.evaluate("window.scrollY"), box
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(page, "chat-phone")
    finally:
        context.close()


def test_phone_reaches_the_hr_and_admin_tabs_and_their_forms_fit(browser, app):
    context, page = open_page(browser, app, width=390, height=844)
    try:
        for name in ("资格核对（HR）", "知识库管理"):  # in the tab bar itself, not folded into a menu
            assert page.get_by_role("tab", name=name).is_visible()
        page.get_by_role("tab", name="资格核对（HR）").click()
        page.locator(".check-rule").first.wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
        assert page.locator("#record-employee_name textarea").bounding_box()["width"] > 120
        screenshot(page, "hr-phone")
        page.get_by_role("tab", name="知识库管理").click()
        login_admin(page, ADMIN_PASSWORD)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        button = page.get_by_role("button", name="切分无误，上传并重建索引").bounding_box()
        assert button["x"] >= 0 and button["x"] + button["width"] <= 390
        screenshot(page, "admin-phone")
    finally:
        context.close()


def test_at_200_percent_zoom_the_question_box_stays_on_screen(browser, app):
    """A 1366×900 window at 200% zoom is 683×450 CSS pixels."""
    context = browser.new_context(viewport={"width": 683, "height": 450}, device_scale_factor=2, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(app.url + "/")
        box = page.locator("#question textarea")
        box.wait_for()
        area = box.bounding_box()
        assert area["y"] >= 0 and area["y"] + area["height"] <= 450, area
        assert page.locator("#send").bounding_box()["y"] + 40 <= 450
        assert page.evaluate("document.documentElement.scrollWidth") <= 683
    finally:
        context.close()


def test_keyboard_arrow_keys_move_between_tabs_and_citation_markers_with_visible_focus(browser, app):
    context, page = open_page(browser, app)
    try:
        answer = ask_with_enter(page, QUESTION)
        refs = answer.locator("a.cite-ref")
        refs.first.wait_for()
        if refs.count() > 1:
            refs.first.focus()
            page.keyboard.press("ArrowRight")
            assert page.evaluate("document.activeElement.className").startswith("cite-ref cite-ref-2")
            page.keyboard.press("ArrowLeft")
        refs.first.focus()
        page.keyboard.press("Enter")
        answer.locator("details.citation-1[open]").wait_for()
        tab = page.get_by_role("tab", name="政策问答")
        tab.focus()
        page.keyboard.press("ArrowRight")
        assert page.get_by_role("tab", name="政策浏览").get_attribute("aria-selected") == "true"
        page.keyboard.press("ArrowRight")
        assert page.get_by_role("tab", name="资格核对（HR）").get_attribute("aria-selected") == "true"
        page.keyboard.press("ArrowLeft")
        assert page.get_by_role("tab", name="政策浏览").get_attribute("aria-selected") == "true"
        outline = page.evaluate("() => { const s = getComputedStyle(document.activeElement); "
                                "return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
        assert outline[0] == "solid" and outline[1] >= 2  # the focus is visible
        page.keyboard.press("Tab")  # into the browser tab's controls: every focused control shows an outline
        for _ in range(6):
            style = page.evaluate("() => { const el = document.activeElement; const s = getComputedStyle(el); "
                                  "return [el.tagName, s.outlineStyle, parseFloat(s.outlineWidth) || 0, "
                                  "getComputedStyle(el.parentElement).outlineStyle]; }")
            assert style[1] == "solid" or style[0] == "BODY", style
            page.keyboard.press("Tab")
    finally:
        context.close()


def test_main_controls_meet_wcag_aa_contrast(browser, app):
    context, page = open_page(browser, app)
    try:
        answer = ask_with_enter(page, QUESTION)
        answer.locator("a.cite-ref").first.wait_for()
        screenshot(page, "chat-desktop")
        selectors = ["#send", "#new-chat", "#copy-answer", "[role=tab]", "#question label span", "#question .enter-hint",
                     ".status-badge", "details.citation summary", ".answer-meta", "a.cite-ref", ".answer-text"]
        failures = []
        for selector in selectors:
            for item in page.evaluate(CONTRAST_JS, selector):
                if item["ratio"] < 4.5:
                    failures.append((selector, item))
        placeholder = page.evaluate(PLACEHOLDER_JS)
        page.locator("#question textarea").fill("")
        ratio = page.evaluate("""(fg) => { const p = (c) => c.match(/[\\d.]+/g).map(Number);
          const l = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
          const L = (c) => { const [r, g, b] = p(c); return 0.2126 * l(r) + 0.7152 * l(g) + 0.0722 * l(b); };
          const bg = getComputedStyle(document.querySelector('#question textarea')).backgroundColor;
          const a = L(fg), b = L(bg.includes('rgba(0, 0, 0, 0)') ? 'rgb(255,255,255)' : bg);
          return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); }""", placeholder)
        assert ratio >= 4.5, ("placeholder", placeholder, ratio)
        assert failures == []
    finally:
        context.close()


# ---- item 6: a deleted document can be restored ----------------------------------------------------
def test_a_deleted_document_can_be_restored(browser, app):
    context, page = open_page(browser, app)
    try:
        login_admin(page, ADMIN_PASSWORD)
        policy = "恢复测试通知\n一、测试条款。员工每年可参加两次带薪培训。\n".encode("utf-8")
        upload = "#admin-upload input[type=file]"
        page.set_input_files(upload, files=[{"name": "恢复测试.txt", "mimeType": "text/plain", "buffer": policy}])
        page.get_by_role("button", name="切分无误，上传并重建索引").click()
        page.locator("#admin-note", has_text="已上传 恢复测试.txt").wait_for(timeout=ANSWER_TIMEOUT)
        page.set_input_files(upload, files=[{"name": "恢复测试.txt", "mimeType": "text/plain", "buffer": policy}])
        page.get_by_role("button", name="切分无误，上传并重建索引").click()
        page.locator("#admin-note", has_text="内容未变化").wait_for(timeout=ANSWER_TIMEOUT)

        delete_document(page, "恢复测试.txt", ANSWER_TIMEOUT)
        assert not (app.corpus / "恢复测试.txt").exists()
        assert not page.get_by_label("确认删除").is_checked()  # reset after use

        page.get_by_label("已删除的文件（保留 30 天）").click()
        page.get_by_role("option", name=re.compile("恢复测试.txt")).click()
        page.click("#restore-button")
        page.locator("#admin-note", has_text="已恢复 恢复测试.txt").wait_for(timeout=ANSWER_TIMEOUT)
        assert (app.corpus / "恢复测试.txt").read_bytes() == policy
        page.get_by_text("审计日志").click()
        log = page.locator("#audit-log")
        log.get_by_text("恢复文件").first.wait_for()
        assert "删除文件" in log.inner_text() and "上传文件" in log.inner_text()
        screenshot(page, "admin-desktop")
    finally:
        context.close()


# ---- item 6: upload preview, the document record, the shipped document ---------------------------
def test_admin_previews_the_split_edits_the_record_and_protects_the_shipped_document(browser, app):
    context, page = open_page(browser, app)
    try:
        login_admin(page, ADMIN_PASSWORD)
        assert "随程序提供（受保护）" in page.locator("#admin-docs").inner_text()
        law = ("宁波市职工培训条例\n第一章 总则\n第一条 为了规范职工培训，制定本条例。\n"
               "第二条 本条例适用于本市企业。企业应当组织培训。\n").encode("utf-8")
        page.set_input_files("#admin-upload input[type=file]",
                             files=[{"name": "培训条例.txt", "mimeType": "text/plain", "buffer": law}])
        preview = page.locator("#upload-preview .upload-preview")
        preview.wait_for(timeout=ANSWER_TIMEOUT)
        assert "2 条（其中 0 条有标题），1 章，4 个条款" in preview.inner_text()
        assert not (app.corpus / "培训条例.txt").exists()  # nothing indexed before the admin agrees
        page.get_by_role("button", name="切分无误，上传并重建索引").click()
        page.locator("#admin-note", has_text="已上传 培训条例.txt").wait_for(timeout=ANSWER_TIMEOUT)
        assert preview.count() == 0

        page.get_by_text("文件信息（标题").click()
        page.get_by_label("文件", exact=True).click()
        page.get_by_role("option", name="培训条例.txt").click()
        title = page.locator("#record-field-title textarea")
        page.wait_for_function("() => document.querySelector('#record-field-title textarea').value.length > 0")
        assert title.input_value() == "宁波市职工培训条例"
        assert page.locator("#record-field-region textarea").input_value() == "宁波市"
        page.fill("#record-field-effective textarea", "2020年6月1日")
        page.fill("#record-field-number textarea", "甬人大〔2020〕3号")
        page.get_by_role("button", name="保存文件信息并重建索引").click()
        page.locator("#admin-note", has_text="已修改 培训条例.txt 的文号、施行日期").wait_for(timeout=ANSWER_TIMEOUT)
        meta = (app.corpus / "培训条例.meta.json").read_text(encoding="utf-8")
        assert '"effective": "2020-06-01"' in meta and "甬人大〔2020〕3号" in meta

        page.get_by_label("删除文件").click()
        page.get_by_role("option", name=re.compile("jineng.*随程序提供")).click()
        page.get_by_label("确认删除").check()
        page.get_by_role("button", name="删除并重建索引").click()
        page.locator("#admin-note", has_text="受保护，不能删除").wait_for(timeout=ANSWER_TIMEOUT)
        assert not page.get_by_label("确认删除").is_checked()  # reset after a refused delete too
        assert any(p.name.startswith("jineng") for p in app.corpus.iterdir())
        page.get_by_text("审计日志").click()
        page.locator("#audit-log").get_by_text("修改文件信息").filter(visible=True).first.wait_for()
        delete_document(page, "培训条例.txt", ANSWER_TIMEOUT)
    finally:
        context.close()


# ---- item 5: policy browser: record, search, whole document, 上一条/下一条 ------------------------
def test_policy_browser_record_search_and_whole_document(browser, app):
    context, page = open_page(browser, app)
    try:
        open_tab(page, "政策浏览")
        page.locator("#browse-text .article").wait_for()
        record = page.locator("#browse-record").inner_text()
        assert "人力资源社会保障部等8部门关于推动技能强企工作的指导意见" in record and "效力状态" in record
        assert "国家 / 全国" in record and "有效" in record
        page.fill("#browse-search textarea", "职工教育经费 60%")
        page.locator("#browse-search textarea").press("Enter")
        hit = page.locator("#browse-results .search-hit")
        hit.first.wait_for()
        assert hit.count() == 1 and "第九条 强化技能强企资金保障" in hit.inner_text()
        hit.locator("a.open-article").click()
        page.wait_for_function("() => document.querySelector('#browse-article input').value.startsWith('第九条')")
        page.get_by_label("整篇").check()
        current = page.locator("#browse-text .whole-document .current-article")
        current.wait_for()
        assert page.locator("#browse-text .whole-article").count() > 10
        assert "第九条 强化技能强企资金保障" in current.inner_text()
        page.click("#browse-previous")
        page.locator("#browse-text .current-article h4", has_text="第八条").wait_for()
        page.click("#browse-next")
        page.locator("#browse-text .current-article h4", has_text="第九条").wait_for()
        visible = page.evaluate(VISIBLE_TEXT_JS)
        assert ".txt" not in visible and "jineng" not in visible  # no internal file names
        screenshot(page, "browse-desktop")
    finally:
        context.close()


# ---- item 8: conversation export, suggested follow-ups -----------------------------------------------
def test_conversation_export_and_a_suggested_follow_up(browser, app):
    context, page = open_page(browser, app)
    try:
        page.click("#export-chat")  # nothing asked yet: a short message, no file
        page.get_by_text("还没有可导出的对话").first.wait_for()
        answer = ask_with_enter(page, QUESTION)
        suggestion = answer.locator("a.ask-next").first
        suggestion.wait_for()
        asked = suggestion.inner_text()
        assert asked.startswith("《") and asked.endswith("有哪些规定？")
        suggestion.click()
        page.wait_for_function("() => document.querySelectorAll('#chat .answer').length > 1", timeout=ANSWER_TIMEOUT)
        assert page.locator("#chat .question").nth(1).inner_text() == asked
        second = page.locator("#chat .answer").nth(1)
        assert "已回答" in second.inner_text()
        page.wait_for_timeout(500)  # the transcript follows the answer
        with page.expect_download() as info:
            page.click("#export-chat")
        download = info.value
        assert re.fullmatch(r"对话记录-\d{8}-\d{4}\.md", download.suggested_filename)
        text = Path(download.path()).read_text(encoding="utf-8")
        assert text.startswith("# 政策助手对话记录")
        assert f"## 1. {QUESTION}" in text and f"## 2. {asked}" in text
        assert "60%" in text and "第九条 强化技能强企资金保障：“" in text
    finally:
        context.close()
