"""The HR eligibility checker tab: one form per entitlement, the record fields (employee,
date, checker), exports, and the batch check of several employees.

(No ``from __future__ import annotations`` here: gradio inspects the real annotations
to pass ``gr.Request`` / ``gr.LikeData`` into the handlers; gradio itself is passed in as ``gr``.)"""
import re
from html import unescape as html_unescape

from . import presenter as view
from . import webguard
from . import wording
from .eligibility import MAX_FACT_CHARS
from .errors import PolicyAssistantError, RuleBaseError


def check_tab(gr, assistant) -> None:
    try:
        rulebase = assistant.rules
    except PolicyAssistantError as exc:
        gr.HTML(view.error_html(f"规则库无法加载：{exc}"))
        return
    rules = list(rulebase.rules.values())
    if not rules:
        gr.Markdown("规则库为空。")
        return
    gr.Markdown(f"选择一项待遇，填写员工情况，查看每个条件是否满足及其政策依据。不清楚的项目可选“{view.UNKNOWN_CHOICE}”或留空。")
    with gr.Row(elem_id="record-fields"):
        record = [gr.Textbox(label=label, max_length=view.MAX_RECORD_CHARS, elem_id=f"record-{key}",
                             placeholder="今天" if key == "checked_on" else "", min_width=140)
                  for key, label in wording.RECORD_FIELDS]
    pick = gr.Dropdown(label="待遇 / 资格", choices=[(r.title, r.id) for r in rules], value=rules[0].id, elem_id="rule-pick")
    groups = []
    forms = []
    for n, rule in enumerate(rules):
        with gr.Group(visible=n == 0) as group:
            gr.HTML(view.rule_intro_html(rule))
            fields = [_fact_input(gr, spec) for spec in rule.facts]
            check = gr.Button("核对", variant="primary", elem_classes="check-rule")
        groups.append(group)
        forms.append((rule, fields, check))
    result = gr.HTML("", elem_id="verdict")
    with gr.Row():
        md_file = gr.DownloadButton("导出 Markdown", visible=False, elem_id="export-md")
        csv_file = gr.DownloadButton("导出 CSV", visible=False, elem_id="export-csv")
        page_file = gr.DownloadButton("导出打印页（可另存为 PDF）", visible=False, elem_id="export-page")
    hidden = gr.update(visible=False)

    def switch(rule_id):  # another entitlement: the previous verdict and its exports go
        return [*[gr.update(visible=r.id == rule_id) for r in rules], "", hidden, hidden, hidden]

    pick.change(switch, [pick], [*groups, result, md_file, csv_file, page_file], api_visibility="private")
    for rule, fields, check in forms:
        check.click(_checker(gr, assistant, rule), [*fields, *record], [result, md_file, csv_file],
                    api_visibility="private").then(_printable, [result], [page_file], api_visibility="private")

    with gr.Accordion("批量核对（多名员工）", open=False, elem_id="batch"):
        template = gr.Textbox(label="表头（复制到表格软件，每行一名员工；可直接粘贴表格内容或 CSV）", interactive=False,
                              value=view.batch_template(rules[0]).strip(), elem_id="batch-template")
        table = gr.Textbox(label="员工信息表", lines=6, max_length=view.MAX_BATCH_CHARS, elem_id="batch-table",
                           placeholder="第一行为表头，其后每行一名员工")
        run = gr.Button("批量核对", variant="primary", elem_id="batch-run")
        batch_note = gr.Markdown("", elem_id="batch-note")
        batch_file = gr.DownloadButton("下载核对结果 CSV", visible=False, elem_id="batch-download")

    def template_for(rule_id):
        rule = rulebase.rules.get(rule_id) or rules[0]
        return view.batch_template(rule).strip(), "", hidden

    pick.change(template_for, [pick], [template, batch_note, batch_file], api_visibility="private")

    def run_batch(rule_id, text, checked_on, checker):
        rule = next((r for r in rules if r.id == rule_id), None)
        try:
            if rule is None:
                raise RuleBaseError("请先选择待遇 / 资格。")
            assistant.ensure_index()
            snap = view.snapshot_of(assistant.index)
            current = assistant.rules
            doc = snap.documents.get(rule.doc_id)
            out, count, problems = view.batch_check(current, rule, text, checked_on, checker,
                                                    doc_title=doc.title if doc else "", version=snap.corpus_version)
        except PolicyAssistantError as exc:
            return f"**未完成：** {view.esc(exc)}", hidden
        folder = webguard.download_dir()
        path = folder / f"{wording.file_stem(wording.BATCH_STEM, rule.title)}.csv"
        path.write_text(out, encoding="utf-8-sig")
        note = f"已核对 {count} 名员工。"
        if problems:
            note += f"其中 {len(problems)} 行未核对（填写有误）：\n\n" + "\n".join(f"- {view.esc(p)}" for p in problems[:20])
        return note, gr.update(value=str(path), visible=True)

    run.click(run_batch, [pick, table, record[2], record[3]], [batch_note, batch_file], api_visibility="private")


def _fact_input(gr, spec):
    if spec.kind == "bool":
        return gr.Radio(list(view.BOOL_CHOICES), value=view.UNKNOWN_CHOICE, label=spec.label, elem_classes="fact-bool")
    if spec.kind == "choice":
        return gr.Dropdown([*spec.choices, view.UNKNOWN_CHOICE], value=view.UNKNOWN_CHOICE, label=spec.label)
    hint = "百分比，如 60" if spec.kind == "percent" else "月数，如 6、12 或“半年”"
    return gr.Textbox(label=f"{spec.label}（{hint}）", placeholder=f"{view.UNKNOWN_CHOICE}可留空", max_length=MAX_FACT_CHARS)


def check_rule(assistant, rule, values):
    """The HR checker's click, without gradio: (verdict, snapshot) from the rule base of the
    generation served now (``assistant.rules`` read at click time, not when the page was
    built). PolicyAssistantError with a message for the page when a typed value is not
    usable, or when the rule is gone, has changed or quotes text no longer served."""
    facts = view.facts_from_form(rule.facts, values)
    assistant.ensure_index()  # the verdict links its clauses to the indexed articles
    rulebase = assistant.rules
    snap = view.snapshot_of(assistant.index)
    current = rulebase.rules.get(rule.id)
    if current is None:
        if rule.id in getattr(rulebase, "disabled", {}):
            raise RuleBaseError(f"“{rule.title}”的依据条文已不在当前政策文本中（文件可能已被删除或替换），该项核对已停用。"
                             "请联系管理员更新规则库（rules.yaml）。")
        raise RuleBaseError(f"“{rule.title}”已不在当前规则库中（政策文件可能已被删除或替换），暂不能核对。请刷新页面。")
    if [(f.name, f.kind) for f in current.facts] != [(f.name, f.kind) for f in rule.facts]:
        raise RuleBaseError(f"“{rule.title}”的核对项目已更新，请刷新页面后重新填写。")
    verdict = rulebase.check(rule.id, facts)
    problem = view.verdict_problem(verdict, snap)
    if problem:
        raise RuleBaseError(problem)
    return verdict, snap


_PAGE_MARK = re.compile(r'<span class="record-page" style="display:none">(dl-[0-9a-f]{32})/([^<>/\\]+\.html)</span>')


def _checker(gr, assistant, rule):
    count = len(rule.facts)

    def check(*values):
        """``values``: the rule's facts, then (optionally) the record fields of the form."""
        hidden = gr.update(visible=False)
        try:
            record = view.record_from_form(*values[count:count + len(wording.RECORD_FIELDS)])
            verdict, snap = check_rule(assistant, rule, values[:count])
        except PolicyAssistantError as exc:
            return view.error_html(str(exc)), hidden, hidden
        title, version = view.rule_document(snap, verdict)
        folder = webguard.download_dir()
        md_path, csv_path, page_path = view.write_record_files(verdict, record, title, version, folder)
        mark = f'<span class="record-page" style="display:none">{folder.name}/{view.esc(page_path.name)}</span>'
        return (view.verdict_html(verdict, snap, record, title, version) + mark,
                gr.update(value=str(md_path), visible=True), gr.update(value=str(csv_path), visible=True))

    return check


def _printable(result_html):
    """The printable page written with the verdict now shown (named in its hidden mark;
    only a file of our own download folders)."""
    import gradio as gr

    m = _PAGE_MARK.search(result_html or "")
    if m is None:
        return gr.update(visible=False)
    path = webguard.web_temp_dir() / m.group(1) / html_unescape(m.group(2))
    if not path.is_file():
        return gr.update(visible=False)
    return gr.update(value=str(path), visible=True)
