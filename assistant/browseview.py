"""What the policy browser shows, as plain functions (no gradio): a document's record
(title, 文号, issuer, dates, status, level and region — never an internal file name),
the whole document with one article marked, and a search within the corpus whose
results open their article.

Every text is escaped (:func:`assistant.presenter.esc`); a search result carries the
same hidden ``open-target`` as a citation card, so the page script opens it in place."""
from __future__ import annotations

from dataclasses import dataclass

from . import presenter as view
from .documents import DocumentRecord

SEARCH_RESULTS = 30  # articles listed for one search
SNIPPET_CHARS = 40  # characters shown either side of the first match
MAX_SEARCH_CHARS = 50  # a search is cut to this many characters
# (field, label) of the record as the browser shows it, in this order; empty fields are left out
RECORD_LABELS = (("title", "标题"), ("number", "文号"), ("issuers", "发文机关"), ("kind", "类别"),
                 ("scope", "层级 / 地区"), ("adopted", "通过日期"), ("published", "发布日期"),
                 ("amended", "修订日期"), ("effective", "施行日期"), ("status", "效力状态"))


def _scope(record: DocumentRecord) -> str:
    if record.level == "企业":
        return "企业"
    return " / ".join(x for x in (record.level, record.region) if x)


def record_rows(record: DocumentRecord) -> list[tuple[str, str]]:
    """(label, value) of the record fields that are known."""
    rows = []
    for key, label in RECORD_LABELS:
        value = _scope(record) if key == "scope" else str(getattr(record, key, "") or "")
        if value:
            rows.append((label, value))
    return rows


def record_html(record: DocumentRecord | None, doc=None) -> str:
    """The document record as a table (the title alone when the record is unknown)."""
    if record is None:
        return "" if doc is None else f'<table class="doc-meta"><tr><th>标题</th><td>{view.esc(doc.title)}</td></tr></table>'
    cells = "".join(f'<tr><th style="text-align:left;white-space:nowrap;padding-right:12px">{view.esc(label)}</th>'
                    f'<td class="record-{i}">{view.esc(value)}</td></tr>'
                    for i, (label, value) in enumerate(record_rows(record)))
    status = "" if record.in_force else ' style="border-left:4px solid #b91c1c;padding-left:6px"'
    return f'<table class="doc-meta"{status}>{cells}</table>'


def document_html(snap, doc_id: str, current: str | None = None) -> str:
    """The whole document, article after article (each with an anchor), the current
    article marked so the reader sees it in context."""
    keys = [article for (doc, article) in snap.articles if doc == doc_id]
    parts = []
    for key in keys:
        article = view.ArticleView.of(snap, doc_id, key)
        if article is None:
            continue
        marked = key == current
        style = "border-left:4px solid #1d4ed8;background:#eff6ff;padding:4px 10px" if marked else "padding:4px 10px"
        classes = "whole-article current-article" if marked else "whole-article"
        parts.append(f'<section class="{classes}" id="article-{view.esc(key)}" style="{style}">'
                     f'<h4 style="margin:8px 0 4px">{view.esc(view.article_label(key, article.heading))}</h4>'
                     f'<p style="line-height:1.8;margin:0">{view.plain_text_html(article.text)}</p></section>')
    return f'<div class="whole-document">{"".join(parts)}</div>'


@dataclass(frozen=True)
class SearchHit:
    doc_id: str
    document: str  # the document's short name
    article: str
    heading: str
    text: str  # the article text
    at: int  # where the first search word is in ``text``
    length: int


def search(snap, query: str, limit: int = SEARCH_RESULTS) -> tuple[list[SearchHit], int]:
    """Articles holding every word of ``query`` (split on spaces; case-insensitive), in
    document order: (the first ``limit`` of them, how many there are)."""
    words = [w.lower() for w in str(query or "")[:MAX_SEARCH_CHARS].split() if w.strip()]
    if not words:
        return [], 0
    hits, total = [], 0
    for (doc_id, key) in snap.articles:
        article = view.ArticleView.of(snap, doc_id, key)
        if article is None:
            continue
        lowered = (article.heading + "\n" + article.text).lower()
        if not all(w in lowered for w in words):
            continue
        total += 1
        if len(hits) < limit:
            at = article.text.lower().find(words[0])
            hits.append(SearchHit(doc_id, view.short_title(snap.documents, doc_id), key, article.heading,
                                  article.text, at, len(words[0])))
    return hits, total


def search_html(hits: list[SearchHit], total: int, query: str) -> str:
    """The results, each with its snippet (the first match marked) and a link that opens
    the article in the browser above."""
    if not str(query or "").strip():
        return ""
    if not hits:
        return f'<p class="search-none">没有找到含“{view.esc(query.strip()[:MAX_SEARCH_CHARS])}”的条文。</p>'
    items = []
    for hit in hits:
        if hit.at >= 0:
            start, end = max(0, hit.at - SNIPPET_CHARS), min(len(hit.text), hit.at + hit.length + SNIPPET_CHARS)
            snippet = ("…" if start else "") + view.highlight(hit.text[start:end], hit.text[hit.at:hit.at + hit.length]) + (
                "…" if end < len(hit.text) else "")
        else:  # matched in the heading only
            snippet = view.plain_text_html(hit.text[: 2 * SNIPPET_CHARS]) + "…"
        label = f"《{hit.document}》{view.article_label(hit.article, hit.heading)}"
        items.append(f'<li class="search-hit"><a class="open-article" href="#browse" style="color:#1d4ed8">{view.esc(label)}</a>'
                     f'<span class="open-target" style="display:none">{view.esc(hit.doc_id)}::{view.esc(hit.article)}</span>'
                     f'<div style="color:#1f2937">{snippet}</div></li>')
    more = f"（共 {total} 条，显示前 {len(hits)} 条）" if total > len(hits) else f"（共 {total} 条）"
    return f'<div class="search-results"><p>找到的条文{more}：</p><ol>{"".join(items)}</ol></div>'
