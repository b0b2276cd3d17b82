"""The policy browser tab: a document's record, one article or the whole document,
上一条/下一条, a search within the corpus, and the target of a citation's or search
result's "open" link. Rendering lives in :mod:`assistant.browseview`.

(No ``from __future__ import annotations`` here: gradio inspects the real annotations
to pass ``gr.Request`` / ``gr.LikeData`` into the handlers; gradio itself is passed in as ``gr``.)"""
from . import browseview
from . import presenter as view
from .errors import PolicyAssistantError


SCROLL_JS = """() => { setTimeout(() => { const el = document.querySelector('#browse-text .current-article');
  if (el) el.scrollIntoView({block: 'start', behavior: 'smooth'}); }, 100); }"""
MODES = ("单条", "整篇")


def browse_tab(gr, app, assistant, tabs, open_target) -> None:
    index = assistant.index
    with gr.Row(elem_classes="browse-row"):
        query = gr.Textbox(label="在政策库中搜索", placeholder="输入词语，多个词用空格分开", elem_id="browse-search",
                           max_length=browseview.MAX_SEARCH_CHARS, scale=4, min_width=200)
        find = gr.Button("搜索", elem_id="browse-search-button", scale=1, min_width=80)
    results = gr.HTML("", elem_id="browse-results")
    with gr.Row(elem_classes="browse-row"):
        doc = gr.Dropdown(label="文件", choices=[], elem_id="browse-doc", scale=2, min_width=220)
        article = gr.Dropdown(label="条文", choices=[], elem_id="browse-article", scale=1, min_width=160)
        mode = gr.Radio(list(MODES), value=MODES[0], label="显示", elem_id="browse-mode", scale=1, min_width=140)
    meta = gr.HTML("", elem_id="browse-record")
    text = gr.HTML("", elem_id="browse-text")
    with gr.Row(elem_classes="browse-row"):
        previous = gr.Button("上一条", elem_id="browse-previous", size="sm", min_width=80)
        following = gr.Button("下一条", elem_id="browse-next", size="sm", min_width=80)

    def body(snap, doc_id, key, whole):
        if whole == MODES[1]:
            return browseview.document_html(snap, doc_id, key)
        return view.article_html(snap, doc_id, key) if key else ""

    def show(doc_id, article_key=None, whole=MODES[0]):
        """[record, article dropdown, text] for a document (its first article unless given)."""
        snap = view.snapshot_of(index)
        if not doc_id or doc_id not in snap.documents:
            return "", gr.update(choices=[], value=None), ""
        choices = view.article_choices(snap, doc_id)
        keys = [key for _, key in choices]
        key = article_key if article_key in keys else (keys[0] if keys else None)
        record = browseview.record_html(snap.records.get(doc_id), snap.documents[doc_id])
        return record, gr.update(choices=choices, value=key), body(snap, doc_id, key, whole)

    def documents():
        try:
            assistant.ensure_index()  # the page can be open before the index has loaded
        except PolicyAssistantError as exc:
            raise gr.Error(f"政策文件无法加载：{exc}") from exc
        choices = [(d.title, d.doc_id) for d in view.snapshot_of(index).documents.values()]
        first = choices[0][1] if choices else None
        return gr.update(choices=choices, value=first), *show(first)

    def pick_article(doc_id, article_key, whole):
        if not doc_id or not article_key:
            return ""
        return body(view.snapshot_of(index), doc_id, article_key, whole)

    def step(doc_id, article_key, whole, delta):
        keys = [key for _, key in view.article_choices(view.snapshot_of(index), doc_id)] if doc_id else []
        if not keys:
            return gr.update(), ""
        at = keys.index(article_key) if article_key in keys else 0
        key = keys[max(0, min(len(keys) - 1, at + delta))]
        return gr.update(value=key), pick_article(doc_id, key, whole)

    def open_article(target, whole):
        """A citation's or search result's link: "doc_id::article::click time" → that article, in context."""
        doc_id, _, rest = str(target or "").partition("::")
        article_key = rest.partition("::")[0]
        if doc_id not in view.snapshot_of(index).documents:
            return gr.update(), gr.update(), gr.update(), gr.update(), gr.update()
        return gr.Tabs(selected="browse"), gr.update(value=doc_id), *show(doc_id, article_key, whole)

    def run_search(words):
        snap = view.snapshot_of(index)
        hits, total = browseview.search(snap, words)
        return browseview.search_html(hits, total, words or "")

    private = dict(api_visibility="private")
    app.load(documents, None, [doc, meta, article, text], **private)
    doc.input(lambda d, w: show(d, None, w), [doc, mode], [meta, article, text], **private)
    article.input(pick_article, [doc, article, mode], [text], **private).then(None, None, None, js=SCROLL_JS)
    mode.input(pick_article, [doc, article, mode], [text], **private).then(None, None, None, js=SCROLL_JS)
    for button, delta in ((previous, -1), (following, 1)):
        button.click(lambda d, a, w, delta=delta: step(d, a, w, delta), [doc, article, mode], [article, text],
                     **private).then(None, None, None, js=SCROLL_JS)
    open_target.change(open_article, [open_target, mode], [tabs, doc, meta, article, text],
                       **private).then(None, None, None, js=SCROLL_JS)
    for trigger in (find.click, query.submit):
        trigger(run_search, [query], [results], **private)
