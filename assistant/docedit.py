"""What an admin sees of and changes about one document, without any UI: how an upload
splits before it is indexed (articles, headings, chapters, clause count), the editable
part of its record (kept in its sidecar ``<file>.meta.json``). (Whether a document was
shipped with the program, and so protected, is :meth:`assistant.admin.CorpusAdmin.shipped`.)

The record fields an admin may set are overrides of what
:func:`assistant.documents.derive_record` reads from the text; an emptied field goes back
to what the text states."""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .admin import AdminError, AuditLog, Upload
from .ingest import META_SUFFIX, doc_id_for, load_document
from .models import SourceDocument

PREVIEW_ARTICLES = 200  # articles listed in an upload's preview (the counts cover all of them)
MAX_FIELD_CHARS = 60  # an edited record field (the title: MAX_TITLE_CHARS)
MAX_TITLE_CHARS = 120
LEVELS = ("国家", "省", "市", "区县", "企业")
STATUSES = ("有效", "已废止")
# (sidecar key, label) of the record fields an admin may edit, in the form's order
EDITABLE_FIELDS = (
    ("title", "标题"),
    ("number", "文号"),
    ("issuers", "发文机关"),
    ("published", "发布日期"),
    ("effective", "施行日期"),
    ("level", "层级"),
    ("region", "适用地区"),
    ("status", "效力状态"),
)
DATE_FIELDS = frozenset({"adopted", "published", "effective"})
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_PARAGRAPH = re.compile(r"^第\d+段$")  # structure.split_document's label without articles
_CN_DATE = re.compile(r"^(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?$")


# ---- preview of an upload's split ---------------------------------------------------------------
@dataclass(frozen=True)
class ArticlePreview:
    label: str  # "第三条", "一", "前言"
    heading: str
    clauses: int
    chapter: str = ""


@dataclass(frozen=True)
class SplitPreview:
    """How a document splits into citable parts, shown before it is indexed."""

    filename: str
    title: str
    chars: int
    clauses: int
    articles: tuple[ArticlePreview, ...]
    chapters: tuple[str, ...]

    @property
    def numbered(self) -> int:
        """Numbered articles ("第三条", "一"): not title, front matter, preamble, closing, or
        the paragraphs ("第2段") of a text in which no article was found."""
        from .structure import CLOSING, FRONT, PREAMBLE, TITLE

        return sum(a.label not in (TITLE, FRONT, PREAMBLE, CLOSING, "") and not _PARAGRAPH.match(a.label)
                   for a in self.articles)

    @property
    def headings(self) -> int:
        return sum(bool(a.heading) for a in self.articles)


def preview_split(upload: Upload) -> SplitPreview:
    """The split of a validated upload, exactly as indexing will make it."""
    from .ingest import read_text
    from .structure import split_document

    text = read_text(upload.data, Path(upload.filename).suffix, upload.filename)
    doc = SourceDocument(doc_id_for(Path(upload.filename)), text.split("\n", 1)[0][:80], text)
    return preview_of(doc, split_document(doc), upload.filename)


def preview_of(doc: SourceDocument, clauses: list, filename: str = "") -> SplitPreview:
    articles: dict[str, list] = {}
    for clause in clauses:
        articles.setdefault(clause.article, []).append(clause)
    rows = tuple(ArticlePreview(label, parts[0].heading, len(parts), parts[0].chapter)
                 for label, parts in articles.items())
    chapters = tuple(dict.fromkeys(c.chapter for c in clauses if c.chapter))
    return SplitPreview(filename or doc.doc_id, doc.title, len(doc.text), len(clauses), rows, chapters)


# ---- editable record fields (the sidecar) -------------------------------------------------------
def sidecar_path(path: Path) -> Path:
    path = Path(path)
    return path.with_name(path.name[: -len(path.suffix)] + META_SUFFIX)


def read_sidecar(path: Path) -> dict:
    meta = sidecar_path(path)
    if not meta.is_file():
        return {}
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AdminError(f"{meta.name}：元数据文件无法读取（{exc}），请修正或删除它") from exc
    return data if isinstance(data, dict) else {}


def current_fields(path: Path) -> dict[str, str]:
    """The editable fields of a corpus file as its record now reads them (sidecar
    overrides included): what the form shows before editing."""
    from .documents import derive_record

    doc = load_document(Path(path))
    record = derive_record(doc)
    values = {key: str(getattr(record, key, "") or "") for key, _ in EDITABLE_FIELDS}
    values["title"] = doc.title
    return values


def normal_date(text: str, label: str) -> str:
    """"2024年3月1日", "2024-3-1", "2024.03.01" → "2024-03-01"; AdminError naming the field otherwise."""
    text = text.strip()
    m = _ISO_DATE.match(text) or _CN_DATE.match(text)
    if m is None:
        raise AdminError(f"{label}“{text}”不是日期：请写成 2024-03-01 或 2024年3月1日")
    year, month, day = (int(g) for g in m.groups())
    from datetime import date

    try:
        return date(year, month, day).isoformat()
    except ValueError as exc:
        raise AdminError(f"{label}“{text}”不是有效日期") from exc


def clean_fields(values: dict[str, object]) -> dict[str, str]:
    """Form values checked and normalised (AdminError naming the field): one line each,
    bounded, dates as ISO dates, level and status from their lists; empty stays empty."""
    labels = dict(EDITABLE_FIELDS)
    out: dict[str, str] = {}
    for key, label in EDITABLE_FIELDS:
        raw = values.get(key)
        text = " ".join(str(raw or "").split())
        if not text:
            out[key] = ""
            continue
        limit = MAX_TITLE_CHARS if key == "title" else MAX_FIELD_CHARS
        if len(text) > limit:
            raise AdminError(f"{label}过长（{len(text)} 字，上限 {limit} 字）")
        if key in DATE_FIELDS:
            text = normal_date(text, label)
        elif key == "level" and text not in LEVELS:
            raise AdminError(f"{label}须为 {'、'.join(LEVELS)} 之一")
        elif key == "status" and text not in STATUSES and not text.startswith("已被"):
            raise AdminError(f"{label}须为 {'、'.join(STATUSES)} 之一")
        out[key] = text
    if not out.get("title"):
        raise AdminError(f"{labels['title']}不能为空")
    return out


def edit_record(path: Path, values: dict[str, object], actor: str, audit: AuditLog) -> list[str]:
    """Write the changed editable fields into ``path``'s sidecar (other sidecar keys are
    kept; a field set back to what the text states is dropped from it) and log the
    change. Returns the labels of the fields changed (empty: nothing to do)."""
    path = Path(path)
    if not path.is_file():
        raise AdminError(f"语料中没有文件 {path.name}")
    wanted = clean_fields(values)
    before = current_fields(path)
    changed = [key for key, _ in EDITABLE_FIELDS if wanted[key] != before.get(key, "")]
    if not changed:
        return []
    meta = read_sidecar(path)
    derived = _derived_fields(path, meta)
    for key in changed:
        if wanted[key] and wanted[key] != derived.get(key, ""):
            meta[key] = wanted[key]
        else:  # back to what the text states
            meta.pop(key, None)
    target = sidecar_path(path)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise AdminError(f"{target.name}：无法写入（{exc.strerror or exc}）") from exc
    labels = dict(EDITABLE_FIELDS)
    names = [labels[k] for k in changed]
    audit.append(actor, "edit_metadata", path.name, fields=names)
    return names


def _derived_fields(path: Path, meta: dict) -> dict[str, str]:
    """The editable fields as the text alone states them (no sidecar overrides)."""
    from .documents import derive_record

    doc = load_document(path)
    plain_meta = {k: v for k, v in meta.items() if k not in dict(EDITABLE_FIELDS)}
    first_line = doc.text.split("\n", 1)[0][:80]
    bare = SourceDocument(doc.doc_id, plain_meta.get("title") or first_line, doc.text, doc.path, plain_meta)
    record = derive_record(bare)
    values = {key: str(getattr(record, key, "") or "") for key, _ in EDITABLE_FIELDS}
    values["title"] = bare.title
    return values
