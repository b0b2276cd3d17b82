"""Issue 17 in a real browser (Debian chromium through playwright, ``python app.py`` via
:class:`assistant.appprocess.AppProcess`): the admin uploads a new document, picks the
rule suggested from its text, lowers the threshold in the editor table and saves; the
HR checker then lists the rule under its document, and an employee asking in the chat
gets a verdict with each condition cited, by the adjusted threshold."""
from __future__ import annotations

import pytest

from browser_support import admin_app, login_admin, require_browser

sync_api = require_browser()

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]

ADMIN_PASSWORD = "规则-管理密码-1"
TIMEOUT = 90_000
TITLE = "示例公司技能培训补贴办法"
# A company rule written for this test: the suggester reads "3年以上" as at least 36 months.
POLICY = f"""# {TITLE}

第一条 为鼓励员工提升职业技能，制定本办法。

第二条 员工与公司签订3年以上劳动合同的，可以申请技能培训补贴。

第三条 本办法自发布之日起施行。
"""
QUOTE = "员工与公司签订3年以上劳动合同的"
QUESTION = "我和公司签了2年劳动合同，能申请技能培训补贴吗？"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with admin_app(tmp_path_factory, "rules", ADMIN_PASSWORD) as process:
        yield process


def open_page(browser, app):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(app.url + "/")
    page.wait_for_selector("#question textarea")
    return context, page


def pick_option(page, label: str, option: str) -> None:
    page.get_by_label(label, exact=True).click()
    page.get_by_role("option", name=option).first.click()


def test_admin_accepts_a_suggestion_adjusts_a_threshold_and_the_chat_uses_it(browser, app):
    context, page = open_page(browser, app)
    try:
        login_admin(page, ADMIN_PASSWORD)
        page.set_input_files("#admin-upload input[type=file]", files=[
            {"name": "peixun-butie.md", "mimeType": "text/markdown", "buffer": POLICY.encode("utf-8")}])
        page.get_by_role("button", name="切分无误，上传并重建索引").click()
        page.locator("#admin-note", has_text="已上传 peixun-butie.md").wait_for(timeout=TIMEOUT)

        page.get_by_text("权益规则（从文件生成、编辑、保存）").click()
        pick_option(page, "依据文件", TITLE)
        page.click("#rules-find")
        page.locator("#rules-note", has_text=f"《{TITLE}》：1 条候选规则").wait_for(timeout=TIMEOUT)
        pick_option(page, "从候选规则、已有规则或条文开始", "候选 1：第二条")
        table = page.locator("#rules-table")
        threshold = table.locator("[data-testid=cell-0-3]")  # row 1, column 门槛
        threshold.get_by_text("36").wait_for(timeout=TIMEOUT)  # 3年以上 → at least 36 months
        assert table.locator("[data-testid=cell-0-6]").inner_text().strip() == QUOTE
        threshold.dblclick()
        page.keyboard.press("Control+A")
        page.keyboard.type("24")  # HR: two years are enough
        page.keyboard.press("Enter")
        threshold.get_by_text("24").wait_for()
        page.fill("#rules-title input, #rules-title textarea", "技能培训补贴")
        page.click("#rules-save")
        note = page.locator("#rules-note", has_text="已保存规则")
        note.wait_for(timeout=TIMEOUT)
        assert "用例 2/2 通过" in note.inner_text() and "资格核对和对话已立即使用" in note.inner_text()
        saved = (app.corpus / "peixun-butie.rules.yaml").read_text(encoding="utf-8")
        assert "value: 24.0" in saved and "author: 王管理" in saved and QUOTE in saved
    finally:
        context.close()

    context, page = open_page(browser, app)  # an employee, in another browser session
    try:
        page.get_by_role("tab", name="资格核对（HR）").click()
        overview = page.locator("#rule-overview")
        overview.get_by_text("按文件列出的权益规则").click()
        overview.get_by_text(f"《{TITLE}》").wait_for(timeout=TIMEOUT)  # listed under its document, no restart
        assert "技能培训补贴" in overview.inner_text()
        pick_option(page, "待遇 / 资格", "技能培训补贴")  # the picker was refreshed when the tab opened
        page.get_by_label("员工与公司签订3年以上劳动合同（月数，如 6、12 或“半年”）").fill("18")
        page.locator(".check-rule:visible").click()
        verdict = page.locator("#verdict .verdict")
        verdict.wait_for(timeout=TIMEOUT)
        assert "outcome-not_eligible" in verdict.get_attribute("class")  # 18 months < the adjusted 24

        page.get_by_role("tab", name="政策问答").click()
        box = page.locator("#question textarea")
        box.fill(QUESTION)
        box.press("Enter")
        answer = page.locator("#chat .answer").first
        answer.wait_for(timeout=TIMEOUT)
        page.wait_for_function("() => !document.querySelector('#chat .pending')", timeout=TIMEOUT)
        text = answer.inner_text()
        assert "符合条件" in text and "不符合条件" not in text  # 24 months meet the adjusted threshold (not 36)
        assert "员工与公司签订3年以上劳动合同：满足" in text
        assert "[1]" in text  # the condition's citation marker
        card = answer.locator("details.citation").first
        assert TITLE in card.locator("summary").inner_text()
        card.locator("summary").click()
        card.locator("mark").wait_for(state="visible")
        assert card.locator("mark").inner_text() == QUOTE  # the condition's clause, highlighted
    finally:
        context.close()
