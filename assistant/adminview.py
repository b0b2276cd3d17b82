"""What the admin tab shows, as plain functions (no gradio): audit and feedback tables
for people, and the preview of how an upload splits."""
from __future__ import annotations

from . import presenter as view
from . import wording
from .docedit import SplitPreview

AUDIT_CELL_CHARS = 200
PREVIEW_ROWS = 200  # articles listed in a preview (the counts cover all)


def _cut(value: object, limit: int = AUDIT_CELL_CHARS) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _audit_detail(key: str, value: object) -> str:
    label = wording.AUDIT_DETAILS.get(key, key)
    if key == "scope":
        value = wording.AUDIT_SCOPES.get(str(value), value)
    elif key == "kept_until":
        return f"可恢复 {value} 天"
    elif key == "sha256":
        value = str(value)[:12]
    elif isinstance(value, list):
        value = "、".join(map(str, value)) or "无"
    return f"{label} {value}"


def audit_rows(entries: list[dict]) -> list[list]:
    """Audit entries for people: local time, Chinese action names, readable details."""
    rows = []
    for e in entries:
        detail = {k: v for k, v in e.items() if k not in ("time", "actor", "action", "target")}
        rows.append([wording.local_time(e.get("time", "")), _cut(e.get("actor", "")),
                     _cut(wording.audit_action(e.get("action", ""))), _cut(e.get("target", "")),
                     _cut("；".join(_audit_detail(k, v) for k, v in detail.items()))])
    return rows


def feedback_rows(rows: list[dict]) -> list[list]:
    labels = {"up": "👍", "down": "👎"}
    return [[wording.local_time(r["created_at"]), labels.get(r["rating"], r["rating"]), r["question"],
             view.status_label(r["status"]), r["comment"], r["corpus_version"]] for r in rows]


def preview_html(preview: SplitPreview) -> str:
    """The split of an upload before it is indexed: counts, then each article with its
    heading and clause count, so a wrong split (one giant article, no articles) shows."""
    esc = view.esc
    summary = (f"<p><b>{esc(preview.filename)}</b>：标题“{esc(preview.title)}”，{preview.chars:,} 字，"
               f"<b>{preview.numbered}</b> 条（其中 {preview.headings} 条有标题），"
               f"{len(preview.chapters)} 章，<b>{preview.clauses}</b> 个条款（句）。</p>")
    warn = ""
    if preview.numbered == 0:
        warn = ('<p class="preview-warning" style="color:#7f1d1d">没有识别出编号条文（如“第一条”或“一、”），'
                "全文将按段落切分。如这不对，请检查文件格式后再上传。</p>")
    elif max(a.clauses for a in preview.articles) > max(40, preview.clauses // 2):
        big = max(preview.articles, key=lambda a: a.clauses)
        warn = (f'<p class="preview-warning" style="color:#7f1d1d">“{esc(view.article_label(big.label, big.heading))}”'
                f"有 {big.clauses} 个条款，占全文大半：可能没有正确切分，请检查。</p>")
    rows = "".join(
        f"<tr><td>{esc(a.chapter)}</td><td>{esc(view.article_label(a.label))}</td><td>{esc(a.heading)}</td>"
        f"<td style='text-align:right'>{a.clauses}</td></tr>" for a in preview.articles[:PREVIEW_ROWS])
    more = (f"<p>……另有 {len(preview.articles) - PREVIEW_ROWS} 条未列出。</p>"
            if len(preview.articles) > PREVIEW_ROWS else "")
    table = ("<table class='split-preview'><thead><tr><th>章</th><th>条文</th><th>标题</th><th>条款数</th></tr></thead>"
             f"<tbody>{rows}</tbody></table>")
    return f'<div class="upload-preview">{summary}{warn}<details open><summary>切分明细</summary>{table}{more}</details></div>'
