"""The policy browser tab: a document's record and articles, 上一条/下一条, and the
target of a citation's "在政策浏览中打开".

(No ``from __future__ import annotations`` here: gradio inspects the real annotations
to pass ``gr.Request`` / ``gr.LikeData`` into the handlers; gradio itself is passed in as ``gr``.)"""
from . import presenter as view
from .errors import PolicyAssistantError


def browse_tab(gr, app, assistant, tabs, open_target) -> None:
    index = assistant.index
    with gr.Row():
        doc = gr.Dropdown(label="文件", choices=[], elem_id="browse-doc", scale=2)
        article = gr.Dropdown(label="条文", choices=[], elem_id="browse-article", scale=1)
    meta = gr.HTML("")
    text = gr.HTML("", elem_id="browse-text")
    with gr.Row():
        previous = gr.Button("上一条", elem_id="browse-previous", size="sm")
        following = gr.Button("下一条", elem_id="browse-next", size="sm")

    def show(doc_id, article_key=None):
        """[meta, article dropdown, article text] for a document (its first article unless given)."""
        snap = view.snapshot_of(index)
        if not doc_id or doc_id not in snap.documents:
            return "", gr.update(choices=[], value=None), ""
        choices = view.article_choices(snap, doc_id)
        keys = [key for _, key in choices]
        key = article_key if article_key in keys else (keys[0] if keys else None)
        body = view.article_html(snap, doc_id, key) if key else ""
        return view.document_meta_html(snap.documents[doc_id]), gr.update(choices=choices, value=key), body

    def documents():
        try:
            assistant.ensure_index()  # the page can be open before the index has loaded
        except PolicyAssistantError as exc:
            raise gr.Error(f"政策文件无法加载：{exc}") from exc
        choices = [(d.title, d.doc_id) for d in view.snapshot_of(index).documents.values()]
        first = choices[0][1] if choices else None
        return gr.update(choices=choices, value=first), *show(first)

    def pick_article(doc_id, article_key):
        if not doc_id or not article_key:
            return ""
        return view.article_html(view.snapshot_of(index), doc_id, article_key)

    def step(doc_id, article_key, delta):
        keys = [key for _, key in view.article_choices(view.snapshot_of(index), doc_id)] if doc_id else []
        if not keys:
            return gr.update(), ""
        at = keys.index(article_key) if article_key in keys else 0
        key = keys[max(0, min(len(keys) - 1, at + delta))]
        return gr.update(value=key), pick_article(doc_id, key)

    def open_article(target):
        """A citation's "在政策浏览中打开": "doc_id::article::click time" → that article, in context."""
        doc_id, _, rest = str(target or "").partition("::")
        article_key = rest.partition("::")[0]
        if doc_id not in view.snapshot_of(index).documents:
            return gr.update(), gr.update(), gr.update(), gr.update(), gr.update()
        return gr.Tabs(selected="browse"), gr.update(value=doc_id), *show(doc_id, article_key)

    private = dict(api_visibility="private")
    app.load(documents, None, [doc, meta, article, text], **private)
    doc.input(show, [doc], [meta, article, text], **private)
    article.input(pick_article, [doc, article], [text], **private)
    previous.click(lambda d, a: step(d, a, -1), [doc, article], [article, text], **private)
    following.click(lambda d, a: step(d, a, 1), [doc, article], [article, text], **private)
    open_target.change(open_article, [open_target], [tabs, doc, meta, article, text], **private)
