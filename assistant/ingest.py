"""Read policy files (txt, md, docx, pdf) into cleaned :class:`SourceDocument` objects.

A sidecar ``<name>.meta.json`` beside a file gives its title and other facts the text
states (issuing bodies, document type); without one the title is the document's first
line."""
from __future__ import annotations

import hashlib
import json
import logging
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .cleaning import clean_text, decode
from .errors import CorpusError, DocumentReadError, UnsupportedFileError
from .models import SourceDocument

log = logging.getLogger("assistant.ingest")

MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a .docx (zip) may unpack to at most this much, counted as it inflates
_INFLATE_CHUNK = 1 << 20  # bytes inflated per read while counting (bounds the memory a member can take)
# What the PDF and Word parsers raise on a damaged or hostile file besides their own
# errors (found by fuzzing uploads, see tests/test_uploads.py): reported as unreadable.
_PARSER_FAILURES = (ValueError, KeyError, IndexError, TypeError, AttributeError, AssertionError, ZeroDivisionError,
                    RuntimeError, EOFError, OSError, zlib.error)  # RuntimeError: recursion, unsupported zip features
META_SUFFIX = ".meta.json"
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]*(.*)$", re.M)  # "## 一、总则" → "一、总则"


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


def check_docx_archive(data: bytes, name: str, limit: int = MAX_UNPACKED_BYTES) -> int:
    """Inflate every member of a docx (zip) in small chunks, counting the bytes it really
    gives, and refuse it as soon as the total passes ``limit`` (a zip bomb), or when a
    member is not what its directory says (a directory that declares 2 KB for a member
    holding 1 GB fails its CRC after 2 KB here, without the 1 GB ever being inflated:
    python-docx would read each member whole, in one inflate call). Only the
    compression methods Word writes (stored, deflate) are accepted: zipfile inflates
    bzip2/lzma members without any size bound. Returns the unpacked size."""
    from io import BytesIO
    from zipfile import ZIP_DEFLATED, ZIP_STORED, BadZipFile, ZipFile

    total = 0
    try:
        with ZipFile(BytesIO(data)) as archive:
            members = archive.infolist()
            declared = sum(info.file_size for info in members)
            if declared > limit:
                raise DocumentReadError(f"{name}: 解压后过大 ({declared / 1048576:.0f} MB > {limit / 1048576:.0f} MB): "
                                  "not a normal Word document")
            for info in members:
                if info.compress_type not in (ZIP_STORED, ZIP_DEFLATED):
                    raise DocumentReadError(f"{name}: docx 使用了不支持的压缩方式 (compression {info.compress_type}): "
                                            "re-save it in Word")
                with archive.open(info) as member:
                    while chunk := member.read(_INFLATE_CHUNK):
                        total += len(chunk)
                        if total > limit:
                            raise DocumentReadError(f"{name}: 解压后过大 (> {limit / 1048576:.0f} MB): not a normal Word document")
    except DocumentReadError:
        raise
    except (BadZipFile, *_PARSER_FAILURES) as exc:
        raise DocumentReadError(f"{name}: docx 无法读取 (corrupt docx: {type(exc).__name__}): re-save it in Word") from exc
    return total


def _read_docx(data: bytes, name: str) -> str:
    from io import BytesIO
    from zipfile import BadZipFile

    import docx
    from docx.opc.exceptions import OpcError
    from lxml.etree import LxmlError

    check_docx_archive(data, name)  # python-docx inflates each member whole: bound what it gets first
    try:
        document = docx.Document(BytesIO(data))
        return "\n".join(p.text for p in document.paragraphs)
    except (BadZipFile, OpcError, LxmlError, *_PARSER_FAILURES) as exc:
        raise DocumentReadError(f"{name}: docx 无法读取 (corrupt docx: {type(exc).__name__}): re-save it in Word") from exc


def _read_plain(data: bytes, name: str) -> str:
    if data.startswith(_BINARY):
        suffix = Path(name).suffix.lower() or "text"
        raise UnsupportedFileError(f"{name}: 二进制文件伪装成 {suffix} (binary file named {suffix}): upload it with its real extension")
    return decode(data)


def _read_markdown(data: bytes, name: str) -> str:
    return _MD_HEADING.sub(_heading_block, _read_plain(data, name))


def _heading_block(m: re.Match) -> str:
    """A markdown heading is a block of its own ("## 三" then its text on the next line):
    its marker goes, blank lines keep it apart (cleaning.LAYOUTS "markdown")."""
    return "\n" + m.group(1) + "\n"


@dataclass(frozen=True)
class Reader:
    """How one file format is read: the bytes it must start with (None: any), the function
    from (bytes, file name) to raw text, and how its text lays out paragraphs
    (:data:`assistant.cleaning.LAYOUTS`)."""

    magic: bytes | None
    read: Callable[[bytes, str], str]
    layout: str


# suffix → reader: a new format is one entry here
READERS: dict[str, Reader] = {
    ".txt": Reader(None, _read_plain, "wrapped"),
    ".md": Reader(None, _read_markdown, "markdown"),
    ".docx": Reader(b"PK\x03\x04", _read_docx, "lines"),
    ".pdf": Reader(b"%PDF-", _read_pdf, "wrapped"),
}
SUPPORTED = tuple(READERS)
_BINARY = tuple(r.magic for r in READERS.values() if r.magic)


def _reader(suffix: str, name: str) -> Reader:
    reader = READERS.get(suffix.lower())
    if reader is None:
        raise UnsupportedFileError(f"{name}: 不支持的文件类型 {suffix or '(无扩展名)'}: use one of {', '.join(SUPPORTED)}")
    return reader


def extract_text(data: bytes, suffix: str, name: str = "file") -> str:
    """Raw text of a file's bytes. The type is checked by content, not only by extension."""
    reader = _reader(suffix, name)
    if reader.magic and not data.startswith(reader.magic):
        raise UnsupportedFileError(f"{name}: 内容与扩展名 {suffix.lower()} 不符 (content is not {suffix.lower()}): upload the real file")
    return reader.read(data, name)


def read_text(data: bytes, suffix: str, name: str = "file") -> str:
    """The cleaned text of a file's bytes (:func:`extract_text`, then cleaned as its format
    lays out paragraphs: a Word paragraph or a blank-line-separated markdown paragraph is
    never glued to the next)."""
    return clean_text(extract_text(data, suffix, name), _reader(suffix, name).layout)


def load_document(path: Path) -> SourceDocument:
    path = Path(path)
    data = path.read_bytes()
    text = read_text(data, path.suffix, path.name)
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


def _listed(corpus_dir: Path) -> list[Path]:
    files = corpus_files(corpus_dir)
    if not files:
        raise CorpusError(f"语料目录为空 (no .txt/.md/.docx/.pdf in {corpus_dir}): add policy files first")
    return files


def _none_readable(corpus_dir: Path, skipped: list[str]) -> CorpusError:
    return CorpusError(f"语料目录中没有可读的文件 (no readable document in {corpus_dir}; unreadable: "
                       f"{'、'.join(skipped)}): fix or replace them")


def require_corpus(corpus_dir: Path) -> list[Path]:
    """The corpus files; CorpusError when the folder is missing, has none, or none of
    them can be read (files are read in order until one can: usually just the first)."""
    files = _listed(corpus_dir)
    skipped = []
    for path in files:
        try:
            load_document(path)
            return files
        except (CorpusError, OSError) as exc:
            skipped.append(path.name)
            _warn_skipped(path, exc)
    raise _none_readable(corpus_dir, skipped)


def _warn_skipped(path: Path, exc: BaseException) -> None:
    reason = str(exc) if isinstance(exc, CorpusError) else f"{path.name}: {exc.strerror or exc}"
    log.warning("跳过无法读取的文件 %s (skipped; the rest of the corpus is served): %s", path.name,
                " ".join(reason.split()))


def read_corpus(corpus_dir: Path) -> tuple[list[SourceDocument], list[str]]:
    """(documents, names of skipped files): every corpus file that can be read; one that
    cannot (damaged, encrypted, empty, a broken sidecar, unreadable on disk) is skipped
    with a one-line warning naming it. CorpusError when none is left, or when two files
    would share one document id."""
    documents, skipped = [], []
    for path in _listed(corpus_dir):
        try:
            documents.append(load_document(path))
        except (CorpusError, OSError) as exc:
            skipped.append(path.name)
            _warn_skipped(path, exc)
    if not documents:
        raise _none_readable(corpus_dir, skipped)
    _check_unique_ids(documents)
    return documents, skipped


def load_corpus(corpus_dir: Path) -> list[SourceDocument]:
    """The readable documents of the corpus (see :func:`read_corpus`)."""
    return read_corpus(corpus_dir)[0]


def _check_unique_ids(documents: list[SourceDocument]) -> None:
    seen: dict[str, str] = {}
    for doc in documents:  # "a.txt" and "a.pdf" (or "a b.txt" and "a-b.txt") would share one id
        name = Path(doc.path).name
        if doc.doc_id in seen:
            raise CorpusError(f"两个文件的文档编号相同 ({seen[doc.doc_id]}, {name} → {doc.doc_id}): rename one of them")
        seen[doc.doc_id] = name
