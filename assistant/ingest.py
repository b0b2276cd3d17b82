"""Read policy files (txt, md, docx, pdf) into cleaned :class:`SourceDocument` objects.

A sidecar ``<name>.meta.json`` beside a file gives its title and other facts the text
states (issuing bodies, document type); without one the title is the document's first
line."""
from __future__ import annotations

import hashlib
import json
import re
import zlib
from pathlib import Path

from .cleaning import clean_text, decode
from .errors import CorpusError, DocumentReadError, UnsupportedFileError
from .models import SourceDocument

SUPPORTED = (".txt", ".md", ".docx", ".pdf")
# What the PDF and Word parsers raise on a damaged or hostile file besides their own
# errors (found by fuzzing uploads, see tests/test_uploads.py): reported as unreadable.
_PARSER_FAILURES = (ValueError, KeyError, IndexError, TypeError, AttributeError, AssertionError, ZeroDivisionError,
                    RuntimeError, EOFError, OSError, zlib.error)  # RuntimeError: recursion, unsupported zip features
META_SUFFIX = ".meta.json"
_MAGIC = {".pdf": b"%PDF-", ".docx": b"PK\x03\x04"}
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]*", re.M)  # "## 一、总则" → "一、总则"


def doc_id_for(path: Path) -> str:
    """A stable id from the file name: letters, digits, CJK, '-' and '_' kept."""
    stem = re.sub(r"[^\w\-]+", "-", path.stem, flags=re.UNICODE).strip("-_")
    return stem or hashlib.sha1(path.name.encode()).hexdigest()[:12]


def _read_pdf(data: bytes, name: str) -> str:
    from io import BytesIO

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted:
            raise DocumentReadError(f"{name}: PDF 已加密 (encrypted PDF): remove the password and upload again")
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PyPdfError, *_PARSER_FAILURES) as exc:
        raise DocumentReadError(f"{name}: PDF 无法读取 (corrupt PDF: {type(exc).__name__}: {exc}): re-export the PDF") from exc


def _read_docx(data: bytes, name: str) -> str:
    from io import BytesIO
    from zipfile import BadZipFile

    import docx
    from docx.opc.exceptions import OpcError
    from lxml.etree import LxmlError

    try:
        document = docx.Document(BytesIO(data))
        return "\n".join(p.text for p in document.paragraphs)
    except (BadZipFile, OpcError, LxmlError, *_PARSER_FAILURES) as exc:
        raise DocumentReadError(f"{name}: docx 无法读取 (corrupt docx: {type(exc).__name__}): re-save it in Word") from exc


def extract_text(data: bytes, suffix: str, name: str = "file") -> str:
    """Raw text of a file's bytes. The type is checked by content, not only by extension."""
    suffix = suffix.lower()
    if suffix not in SUPPORTED:
        raise UnsupportedFileError(f"{name}: 不支持的文件类型 {suffix or '(无扩展名)'}: use one of {', '.join(SUPPORTED)}")
    magic = _MAGIC.get(suffix)
    if magic and not data.startswith(magic):
        raise UnsupportedFileError(f"{name}: 内容与扩展名 {suffix} 不符 (content is not {suffix}): upload the real file")
    if suffix == ".pdf":
        return _read_pdf(data, name)
    if suffix == ".docx":
        return _read_docx(data, name)
    if data.startswith((b"%PDF-", b"PK\x03\x04")):
        raise UnsupportedFileError(f"{name}: 二进制文件伪装成 {suffix} (binary file named {suffix}): upload it with its real extension")
    text = decode(data)
    return _MD_HEADING.sub("", text) if suffix == ".md" else text


def load_document(path: Path) -> SourceDocument:
    path = Path(path)
    data = path.read_bytes()
    text = clean_text(extract_text(data, path.suffix, path.name))
    if not text.strip():
        raise DocumentReadError(f"{path.name}: 文件没有可读文字 (no text; a scanned PDF needs OCR first)")
    meta_path = path.with_name(path.name[: -len(path.suffix)] + META_SUFFIX)
    metadata: dict = {}
    if meta_path.exists():
        try:
            metadata = json.loads(meta_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{meta_path.name}: 元数据不是合法 JSON ({exc}): fix or delete it") from exc
    title = metadata.get("title") or text.split("\n", 1)[0][:80]
    metadata.setdefault("file", path.name)
    return SourceDocument(doc_id=doc_id_for(path), title=title, text=text, path=str(path), metadata=metadata)


def corpus_files(corpus_dir: Path) -> list[Path]:
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(f"语料目录不存在 (corpus folder missing): {corpus_dir}; create it or set POLICY_CORPUS_DIR")
    return sorted(p for p in corpus_dir.iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED)


def require_corpus(corpus_dir: Path) -> list[Path]:
    """The corpus files; CorpusError when the folder is missing or has none."""
    files = corpus_files(corpus_dir)
    if not files:
        raise CorpusError(f"语料目录为空 (no .txt/.md/.docx/.pdf in {corpus_dir}): add policy files first")
    return files


def load_corpus(corpus_dir: Path) -> list[SourceDocument]:
    files = require_corpus(corpus_dir)
    documents = [load_document(p) for p in files]
    seen: dict[str, str] = {}
    for doc in documents:  # "a.txt" and "a.pdf" (or "a b.txt" and "a-b.txt") would share one id
        name = Path(doc.path).name
        if doc.doc_id in seen:
            raise CorpusError(f"两个文件的文档编号相同 ({seen[doc.doc_id]}, {name} → {doc.doc_id}): rename one of them")
        seen[doc.doc_id] = name
    return documents
