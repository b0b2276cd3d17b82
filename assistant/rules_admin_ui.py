"""The admin tab's rule editor: pick a document, its suggested rules (or one of its saved
rules, or a clause), edit the conditions as a table (label, kind, operator, threshold,
unit, the question for a missing fact, quote) and save. Saving checks every quote
verbatim and is audit-logged (:mod:`assistant.rule_authoring`, :mod:`assistant.rulebook`);
the checker and the chat read the rules files when they change, so a saved rule is used
at once. No YAML is shown.

(No ``from __future__ import annotations`` here; gradio itself is passed in as ``gr``.)"""
from . import presenter as view
from . import wording
from .errors import PolicyAssistantError
from .rulebook import EDITOR_COLUMNS, KIND_NAMES, OP_NAMES, Rulebook, editor_rows


def _rows(table) -> list[list]:
    """The table as rows of cells (gradio may hand over a DataFrame or a list)."""
    if table is None:
        return []
    if hasattr(table, "values") and hasattr(table, "columns"):
        return table.values.tolist()
    return [list(row) for row in table]


def rules_panel(gr, assistant, audit, require, session) -> None:
    """The editor, inside the logged-in admin panel. ``require(token)`` returns the
    actor of a live admin login or raises (every handler checks it); ``session`` is the
    panel's login token state."""
    from . import rule_authoring

    book = Rulebook(assistant.settings.corpus_dir, audit)
    with gr.Accordion(wording.RULES_ADMIN_TITLE, open=False, elem_id="rules-admin"):
        gr.Markdown(wording.RULES_ADMIN_INTRO)
        with gr.Row():
            doc = gr.Dropdown(label=wording.RULES_ADMIN_DOC, choices=[], elem_id="rules-doc", scale=3)
            find = gr.Button(wording.RULES_ADMIN_FIND, elem_id="rules-find", scale=1)
        source = gr.Dropdown(label=wording.RULES_ADMIN_SOURCE, choices=[], elem_id="rules-source")
        with gr.Row():
            rule_id = gr.Textbox(label=wording.RULES_ADMIN_ID, max_length=60, elem_id="rules-id")
            title = gr.Textbox(label=wording.RULES_ADMIN_TITLE_FIELD, max_length=40, elem_id="rules-title")
            topic = gr.Textbox(label=wording.RULES_ADMIN_TOPIC, max_length=40, elem_id="rules-topic")
        table = gr.Dataframe(headers=list(EDITOR_COLUMNS), datatype="str", column_count=len(EDITOR_COLUMNS),
                             row_count=1, type="array", interactive=True, wrap=True,
                             label=wording.RULES_ADMIN_TABLE, elem_id="rules-table")
        gr.Markdown(wording.RULES_ADMIN_HELP.format(kinds="、".join(KIND_NAMES.values()),
                                                    ops="、".join(dict.fromkeys(OP_NAMES.values()))))
        save = gr.Button(wording.RULES_ADMIN_SAVE, variant="primary", elem_id="rules-save")
        note = gr.Markdown("", elem_id="rules-note")
    draft = gr.State(None)  # the rule picked, as written (the table edits its conditions)
    private = dict(api_visibility="private")

    def allowed(token) -> str:
        try:
            return require(token)
        except PolicyAssistantError as exc:
            raise gr.Error(str(exc)) from exc

    def rules_documents(token, current):
        allowed(token)
        try:
            assistant.ensure_index()
        except PolicyAssistantError as exc:
            raise gr.Error(f"政策文件无法加载：{exc}") from exc
        docs = view.snapshot_of(assistant.index).documents
        choices = sorted(((d.title, d.doc_id) for d in docs.values()), key=lambda c: c[1])
        return gr.update(choices=choices, value=current if current in docs else None)

    doc.focus(rules_documents, [session, doc], [doc], **private)

    def rules_find(token, doc_id):
        who = allowed(token)
        empty = (gr.update(choices=[], value=None), "", "", "", [], None)
        if not doc_id:
            return wording.NOT_DONE + wording.RULES_ADMIN_NO_DOC, *empty
        try:
            found = rule_authoring.drafts(book, doc_id, who)
        except PolicyAssistantError as exc:
            return wording.NOT_DONE + view.esc(exc), *empty
        counts = {kind: sum(d.key.startswith(kind + ":") for d in found) for kind in ("suggestion", "rule", "clause")}
        known = view.snapshot_of(assistant.index).documents.get(doc_id)
        message = wording.RULES_ADMIN_FOUND.format(doc=view.esc(known.title if known else doc_id), suggestions=counts["suggestion"],
                                                   rules=counts["rule"], clauses=counts["clause"])
        return message, gr.update(choices=[(d.label, d.key) for d in found], value=None), "", "", "", [], None

    find.click(rules_find, [session, doc], [note, source, rule_id, title, topic, table, draft], **private)

    def rules_pick(token, doc_id, key):
        who = allowed(token)
        if not doc_id or not key:
            return gr.update(), gr.update(), gr.update(), gr.update(), None, ""
        try:
            picked = rule_authoring.draft_for(book, doc_id, key, who)
        except PolicyAssistantError as exc:
            return gr.update(), gr.update(), gr.update(), gr.update(), None, wording.NOT_DONE + view.esc(exc)
        rule = picked.rule
        return rule.get("id", ""), rule.get("title", ""), rule.get("topic", ""), editor_rows(rule), rule, ""

    source.input(rules_pick, [session, doc, source], [rule_id, title, topic, table, draft, note], **private)

    def rules_save(token, doc_id, base, rid, name, kind, rows):
        who = allowed(token)
        if not doc_id:
            return wording.NOT_DONE + wording.RULES_ADMIN_NO_DOC, gr.update()
        if not base:
            return wording.NOT_DONE + wording.RULES_ADMIN_NO_DRAFT, gr.update()
        try:
            saved = rule_authoring.save(book, doc_id, base, rid, name, kind, _rows(rows), who)
        except PolicyAssistantError as exc:  # a quote not verbatim, a threshold not a number …: said in Chinese
            return wording.NOT_DONE + view.esc(exc), gr.update()
        return wording.RULES_ADMIN_SAVED.format(**{k: view.esc(v) for k, v in vars(saved).items()}), gr.update(
            choices=[(d.label, d.key) for d in rule_authoring.drafts(book, doc_id, who)], value=f"rule:{saved.rule_id}")

    save.click(rules_save, [session, doc, draft, rule_id, title, topic, table], [note, source], **private)
