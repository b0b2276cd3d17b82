"""The HR eligibility checker tab: the rules listed by document (disabled ones with the
reason), one form for the picked benefit, the verdicts of every document that sets it
(each with its document, level and validity), the record fields, exports, and the batch
check of several employees.

The form is a fixed set of fact slots (:data:`~assistant.eligibility.MAX_FORM_FACTS`), each
a yes/no choice, a list or a typed value, shown for the picked rule: a rule saved in the
admin tab appears when the tab is opened or the list is clicked, without a restart, and
every check reads the rules served at click time.

(No ``from __future__ import annotations`` here: gradio inspects the real annotations
to pass ``gr.Request`` into the handlers; gradio itself is passed in as ``gr``.)"""
import logging
import re
from html import unescape as html_unescape

from . import presenter as view
from . import rules_view
from . import webguard
from . import wording
from .eligibility import MAX_FACT_CHARS, MAX_FORM_FACTS
from .errors import PolicyAssistantError, RuleBaseError

logger = logging.getLogger("assistant.ui")
SLOT_KINDS = ("bool", "choice", "value")  # the components of one fact slot, in this order
_PAGE_MARK = re.compile(r'<span class="record-page" style="display:none">(dl-[0-9a-f]{32})/([^<>/\\]+\.html)</span>')


def _slot(kind: str) -> int:
    return {"bool": 0, "choice": 1}.get(kind, 2)


def slot_props(spec, n: int) -> list[dict]:
    """Properties of slot ``n``'s three components for the fact ``spec`` (None: unused):
    only the one of the fact's kind is visible."""
    shown = _slot(spec.kind) if spec is not None else -1
    label = spec.label if spec is not None else f"第{n + 1}项"
    hint = wording.FACT_HINTS.get(spec.kind, "") if spec is not None else ""
    return [dict(visible=shown == 0, label=label, value=view.UNKNOWN_CHOICE),
            dict(visible=shown == 1, label=label, value=view.UNKNOWN_CHOICE,
                 choices=[*(spec.choices if spec is not None else ()), view.UNKNOWN_CHOICE]),
            dict(visible=shown == 2, label=f"{label}（{hint}）" if hint else label, value="",
                 placeholder=f"{view.UNKNOWN_CHOICE}可留空")]


def form_specs(rulebase, rule_id) -> tuple:
    return rulebase.form_facts(rule_id) if rule_id in rulebase.rules else ()


def form_keys(specs) -> list:
    """What the form shown asks (fact name and kind, in slot order): a check refuses a
    form built for an earlier version of the rule."""
    return [[f.name, f.kind] for f in specs]


def form_args(rulebase, rule_id: str, values: dict) -> list:
    """The check handler's arguments for ``rule_id`` with ``values`` (fact name → typed
    value): the rule, the form shown, then every slot's three components."""
    specs = form_specs(rulebase, rule_id)
    slots = [None] * (3 * MAX_FORM_FACTS)
    for n, spec in enumerate(specs):
        slots[3 * n + _slot(spec.kind)] = values.get(spec.name)
    return [rule_id, form_keys(specs), *slots]


def intro_html(rulebase, rule_id, records) -> str:
    rule = rulebase.rules.get(rule_id)
    if rule is None:
        return ""
    note = f'<p class="rule-others">{view.esc(wording.RULE_OTHER_NOTE)}</p>' if rulebase.same_benefit(rule) else ""
    return view.rule_intro_html(rule) + rules_view.source_html_for(rule.doc_id, records) + note


def check_rule(assistant, rule_id, shown, slot_values):
    """The HR checker's click, without gradio: (verdicts, snapshot), the picked rule's
    verdict first, then those of the other documents on the same benefit, from the rules
    served now (``assistant.rules`` read at click time, not when the page was built).
    PolicyAssistantError with a message for the page when a typed value is not usable,
    or when the rule is gone, is off, has changed or quotes text no longer served."""
    assistant.ensure_index()  # the verdict links its clauses to the indexed articles
    rulebase = assistant.rules
    snap = view.snapshot_of(assistant.index)
    if rule_id not in rulebase.rules:
        off = rulebase.off.get(rule_id)
        if off is not None and not off.document_missing:
            raise RuleBaseError(f"“{off.title}”的依据条文已不在当前政策文本中（文件可能已被删除或替换），该项核对已停用："
                                f"{off.reason}。请联系管理员在“知识库管理 → 权益规则”中更新该规则。")
        raise RuleBaseError("所选待遇已不在当前规则库中（政策文件可能已被删除或替换），暂不能核对。请刷新页面。")
    specs = form_specs(rulebase, rule_id)
    if [list(k) for k in (shown or [])] != form_keys(specs):
        raise RuleBaseError(f"“{rulebase.rules[rule_id].title}”的核对项目已更新，请重新选择该待遇后填写。")
    values = [slot_values[3 * n + _slot(spec.kind)] for n, spec in enumerate(specs)]
    facts = view.facts_from_form(specs, values)
    verdicts = rulebase.check_all(rule_id, facts)
    for verdict in verdicts:
        problem = view.verdict_problem(verdict, snap)
        if problem:
            raise RuleBaseError(problem)
    return verdicts, snap


def _records(assistant) -> dict:
    return getattr(view.snapshot_of(assistant.index), "records", None) or {}


def check_tab(gr, assistant, tab=None) -> None:
    """The checker. ``tab``: its gr.Tab, whose opening refreshes the list of rules."""
    try:
        rulebase = assistant.rules
    except PolicyAssistantError as exc:
        gr.HTML(view.error_html(f"规则库无法加载：{exc}"))
        return
    records = _records(assistant)
    choices = rules_view.rule_choices(rulebase, records)
    first = choices[0][1] if choices else None
    gr.Markdown(f"选择一项待遇，填写员工情况，查看每个条件是否满足及其政策依据。不清楚的项目可选“{view.UNKNOWN_CHOICE}”或留空。")
    overview = gr.HTML(rules_view.overview_html(rulebase, records), elem_id="rule-overview")
    with gr.Row(elem_id="record-fields"):
        record = [gr.Textbox(label=label, max_length=view.MAX_RECORD_CHARS, elem_id=f"record-{key}",
                             placeholder="今天" if key == "checked_on" else "", min_width=140)
                  for key, label in wording.RECORD_FIELDS]
    pick = gr.Dropdown(label=wording.RULE_PICK, choices=choices, value=first, elem_id="rule-pick")
    specs = form_specs(rulebase, first)
    shown = gr.State(form_keys(specs))
    with gr.Group():
        intro = gr.HTML(intro_html(rulebase, first, records) if first else wording.RULES_EMPTY, elem_id="rule-intro")
        slots = []
        for n in range(MAX_FORM_FACTS):
            props = slot_props(specs[n] if n < len(specs) else None, n)
            slots += [gr.Radio(list(view.BOOL_CHOICES), elem_classes="fact-bool", **props[0]),
                      gr.Dropdown(**props[1]),
                      gr.Textbox(max_length=MAX_FACT_CHARS, **props[2])]
        check_button = gr.Button("核对", variant="primary", elem_classes="check-rule", visible=first is not None)
    result = gr.HTML("", elem_id="verdict")
    with gr.Row():
        md_file = gr.DownloadButton("导出 Markdown", visible=False, elem_id="export-md")
        csv_file = gr.DownloadButton("导出 CSV", visible=False, elem_id="export-csv")
        page_file = gr.DownloadButton("导出打印页（可另存为 PDF）", visible=False, elem_id="export-page")
    hidden = gr.update(visible=False)
    private = dict(api_visibility="private")

    def form(rule_id):
        """[intro, shown, check button, *slots] for ``rule_id`` from the rules served now."""
        current = assistant.rules
        specs = form_specs(current, rule_id)
        updates = [gr.update(**p) for n in range(MAX_FORM_FACTS)
                   for p in slot_props(specs[n] if n < len(specs) else None, n)]
        return [intro_html(current, rule_id, _records(assistant)) if rule_id in current.rules else wording.RULES_EMPTY,
                form_keys(specs), gr.update(visible=rule_id in current.rules), *updates]

    form_outputs = [intro, shown, check_button, *slots]

    def switch(rule_id):  # another entitlement: its form; the previous verdict and its exports go
        return [*form(rule_id), "", hidden, hidden, hidden]

    pick.change(switch, [pick], [*form_outputs, result, md_file, csv_file, page_file], **private)

    def refresh_rules(rule_id, keys):
        """The list of rules as served now (a rule saved in the admin tab appears at once);
        the form again only when the picked rule changed or is gone."""
        try:
            assistant.ensure_index()
        except PolicyAssistantError as exc:  # the list then names documents by their ids
            logger.warning("index not loaded for the rule list: %s", exc)
        current, recs = assistant.rules, _records(assistant)
        choices = rules_view.rule_choices(current, recs)
        ids = [rid for _, rid in choices]
        value = rule_id if rule_id in ids else (ids[0] if ids else None)
        same = value == rule_id and form_keys(form_specs(current, value)) == [list(k) for k in (keys or [])]
        rest = [gr.update()] * len(form_outputs) if same else form(value)
        return [rules_view.overview_html(current, recs), gr.update(choices=choices, value=value), *rest]

    for trigger in ([tab.select] if tab is not None else []) + [pick.focus]:
        trigger(refresh_rules, [pick, shown], [overview, pick, *form_outputs], **private)

    def check(rule_id, keys, *values):
        """``values``: every slot's three components, then the record fields of the form."""
        count = 3 * MAX_FORM_FACTS
        try:
            record = view.record_from_form(*values[count:count + len(wording.RECORD_FIELDS)])
            verdicts, snap = check_rule(assistant, rule_id, keys, values[:count])
        except PolicyAssistantError as exc:
            return view.error_html(str(exc)), hidden, hidden
        verdict, others = verdicts[0], verdicts[1:]
        recs = getattr(snap, "records", None) or {}
        title, version = view.rule_document(snap, verdict)
        folder = webguard.download_dir()
        document = view.rule_record(snap, verdict)  # its version hash and status go on the record
        md_path, csv_path, page_path = view.write_record_files(verdict, record, title, version, folder, document)
        mark = f'<span class="record-page" style="display:none">{folder.name}/{view.esc(page_path.name)}</span>'
        body = ((rules_view.source_html(verdict, recs) if others else "")
                + view.verdict_html(verdict, snap, record, title, version, document))
        body += rules_view.others_html(others, recs, lambda v: view.verdict_html(v, snap))
        return (body + mark, gr.update(value=str(md_path), visible=True), gr.update(value=str(csv_path), visible=True))

    check_button.click(check, [pick, shown, *slots, *record], [result, md_file, csv_file], **private).then(
        _printable, [result], [page_file], **private)

    with gr.Accordion("批量核对（多名员工）", open=False, elem_id="batch"):
        template = gr.Textbox(label="表头（复制到表格软件，每行一名员工；可直接粘贴表格内容或 CSV）", interactive=False,
                              value=view.batch_template(rulebase.rules[first]).strip() if first else "",
                              elem_id="batch-template")
        table = gr.Textbox(label="员工信息表", lines=6, max_length=view.MAX_BATCH_CHARS, elem_id="batch-table",
                           placeholder="第一行为表头，其后每行一名员工")
        run = gr.Button("批量核对", variant="primary", elem_id="batch-run")
        batch_note = gr.Markdown("", elem_id="batch-note")
        batch_file = gr.DownloadButton("下载核对结果 CSV", visible=False, elem_id="batch-download")

    def template_for(rule_id):
        rule = assistant.rules.rules.get(rule_id)
        return (view.batch_template(rule).strip() if rule else ""), "", hidden

    pick.change(template_for, [pick], [template, batch_note, batch_file], **private)

    def run_batch(rule_id, text, checked_on, checker):
        try:
            assistant.ensure_index()
            current = assistant.rules
            rule = current.rules.get(rule_id)
            if rule is None:
                raise RuleBaseError("请先选择待遇 / 资格。")
            snap = view.snapshot_of(assistant.index)
            doc = snap.documents.get(rule.doc_id)
            out, count, problems = view.batch_check(current, rule, text, checked_on, checker,
                                                    doc_title=doc.title if doc else "", version=snap.corpus_version,
                                                    document=snap.records.get(rule.doc_id))
        except PolicyAssistantError as exc:
            return f"{wording.NOT_DONE}{view.esc(exc)}", hidden
        folder = webguard.download_dir()
        path = folder / f"{wording.file_stem(wording.BATCH_STEM, rule.title)}.csv"
        path.write_text(out, encoding="utf-8-sig")
        note = f"已核对 {count} 名员工。"
        if problems:
            note += f"其中 {len(problems)} 行未核对（填写有误）：\n\n" + "\n".join(f"- {view.esc(p)}" for p in problems[:20])
        return note, gr.update(value=str(path), visible=True)

    run.click(run_batch, [pick, table, record[2], record[3]], [batch_note, batch_file], **private)


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
