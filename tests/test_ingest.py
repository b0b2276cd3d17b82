"""Reading policy files: txt, md, docx and pdf (built here), sidecar metadata, encodings
and every kind of bad file."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.errors import CorpusError, DocumentReadError, UnsupportedFileError
from assistant.ingest import corpus_files, doc_id_for, extract_text, load_corpus, load_document
from assistant.structure import split_document
from conftest import SEED_TXT, seed_clean_text

NOTICE = "关于开展职工技能培训的通知\n一、培训对象。企业新招用职工和\n转岗职工。\n二、培训补贴。按规定给予补贴。\n"


def minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF 1.4 with a Helvetica text stream (ASCII only), xref offsets computed."""
    content = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content.encode("ascii") + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def blank_pdf() -> bytes:
    from io import BytesIO

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buf = BytesIO()
    writer.write(buf)
    return buf.getvalue()


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


# ---- formats --------------------------------------------------------------------------------
def test_txt(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path / "peixun-tongzhi.txt", NOTICE))
    assert doc.doc_id == "peixun-tongzhi"
    assert doc.title == "关于开展职工技能培训的通知"  # first line, no sidecar
    assert doc.text == ("关于开展职工技能培训的通知\n一、培训对象。企业新招用职工和转岗职工。\n"
                        "二、培训补贴。按规定给予补贴。")
    assert doc.metadata == {"file": "peixun-tongzhi.txt"}
    assert [c.article for c in split_document(doc)] == ["标题", "一", "一", "二", "二"]


def test_seed_txt_matches_cleaned_text() -> None:
    doc = load_document(SEED_TXT)
    assert doc.text == seed_clean_text()
    assert doc.title == "人力资源社会保障部等8部门关于推动技能强企工作的指导意见"  # from the sidecar
    assert doc.metadata["short_title"] == "技能强企指导意见"


def test_markdown_headings_lose_their_hashes(tmp_path: Path) -> None:
    md = "# 关于开展职工技能培训的通知\n\n## 一、培训对象。\n\n企业新招用职工。\n\n## 二、培训补贴。\n\n按规定给予补贴。\n"
    doc = load_document(write(tmp_path / "notice.md", md))
    assert doc.title == "关于开展职工技能培训的通知"
    assert "#" not in doc.text
    clauses = split_document(doc)
    assert [(c.article, c.heading, c.text) for c in clauses] == [
        ("标题", "", "关于开展职工技能培训的通知"),
        ("一", "培训对象", "培训对象。"),
        ("一", "培训对象", "企业新招用职工。"),
        ("二", "培训补贴", "培训补贴。"),
        ("二", "培训补贴", "按规定给予补贴。"),
    ]


def test_docx_built_with_python_docx(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("关于开展职工技能培训的通知")
    document.add_paragraph("一、培训对象。企业新招用职工。")
    document.add_paragraph("（一）新招用职工；")
    document.add_paragraph("（二）转岗职工。")
    document.add_paragraph("二、培训补贴。按规定给予补贴。")
    path = tmp_path / "notice.docx"
    document.save(path)
    doc = load_document(path)
    assert doc.doc_id == "notice" and doc.title == "关于开展职工技能培训的通知"
    assert doc.text.split("\n") == ["关于开展职工技能培训的通知", "一、培训对象。企业新招用职工。", "（一）新招用职工；",
                                    "（二）转岗职工。", "二、培训补贴。按规定给予补贴。"]
    ids = [c.clause_id for c in split_document(doc)]
    assert ids == ["notice:ttl:s01", "notice:a01:s01", "notice:a01:s02", "notice:a01.i01:s01", "notice:a01.i02:s01",
                   "notice:a02:s01", "notice:a02:s02"]


def test_pdf_with_a_text_layer(tmp_path: Path) -> None:
    pdf = minimal_pdf(["Skills Policy Notice", "Employers shall train", "new workers.", "Training is free."])
    doc = load_document(write(tmp_path / "notice.pdf", pdf))
    # lines broken by the PDF layout are joined with one space between ASCII words; without
    # CJK punctuation there is no paragraph end, so the title is the (short) first paragraph
    assert doc.text == "Skills Policy Notice Employers shall train new workers. Training is free."
    assert doc.title == doc.text
    assert [c.article for c in split_document(doc)] == ["第1段"]


def test_blank_pdf_has_no_text(tmp_path: Path) -> None:
    with pytest.raises(DocumentReadError, match="no text"):
        load_document(write(tmp_path / "scan.pdf", blank_pdf()))


def test_encrypted_pdf_rejected(tmp_path: Path) -> None:
    from io import BytesIO

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(BytesIO(minimal_pdf(["Secret"]))))
    writer.encrypt(user_password="pw", owner_password="pw", algorithm="RC4-128")
    buf = BytesIO()
    writer.write(buf)
    with pytest.raises(DocumentReadError):
        load_document(write(tmp_path / "locked.pdf", buf.getvalue()))


def test_truncated_pdf_is_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentReadError):
        load_document(write(tmp_path / "broken.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog"))


def test_file_named_pdf_that_is_not_pdf(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFileError, match="content is not .pdf"):
        load_document(write(tmp_path / "fake.pdf", NOTICE))


def test_file_named_docx_that_is_not_docx(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFileError):
        load_document(write(tmp_path / "fake.docx", NOTICE))


def test_corrupt_docx_is_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentReadError):
        load_document(write(tmp_path / "broken.docx", b"PK\x03\x04" + b"\x00" * 64))


def test_pdf_disguised_as_txt(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFileError, match="binary file named .txt"):
        load_document(write(tmp_path / "notice.txt", minimal_pdf(["Hello"])))


@pytest.mark.parametrize("name", ["setup.exe", "notes.doc", "table.xlsx", "README"])
def test_unsupported_extensions(tmp_path: Path, name: str) -> None:
    with pytest.raises(UnsupportedFileError, match="不支持的文件类型"):
        load_document(write(tmp_path / name, b"MZ\x90\x00"))
    with pytest.raises(UnsupportedFileError):
        extract_text(b"MZ\x90\x00", Path(name).suffix, name)


def test_unsupported_files_are_not_part_of_the_corpus(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", NOTICE)
    write(tmp_path / "setup.exe", b"MZ\x90\x00")
    write(tmp_path / "a.meta.json", json.dumps({"title": "甲"}))
    write(tmp_path / "lexicon.yaml", "words: []\n")
    assert [p.name for p in corpus_files(tmp_path)] == ["a.txt"]
    assert [d.title for d in load_corpus(tmp_path)] == ["甲"]


# ---- metadata, encodings, empty files -------------------------------------------------------
def test_sidecar_meta_title_and_fields(tmp_path: Path) -> None:
    write(tmp_path / "notice.meta.json", json.dumps({"title": "培训通知（2024年）", "issuers": "某市人社局"}, ensure_ascii=False))
    doc = load_document(write(tmp_path / "notice.txt", NOTICE))
    assert doc.title == "培训通知（2024年）"
    assert doc.metadata == {"title": "培训通知（2024年）", "issuers": "某市人社局", "file": "notice.txt"}
    assert {c.doc_title for c in split_document(doc)} == {"培训通知（2024年）"}


def test_broken_sidecar_is_a_corpus_error(tmp_path: Path) -> None:
    write(tmp_path / "notice.meta.json", "{title: 培训")
    with pytest.raises(CorpusError, match="notice.meta.json"):
        load_document(write(tmp_path / "notice.txt", NOTICE))


@pytest.mark.parametrize("content", [b"", b"   \n\r\n\t\n", "\ufeff".encode(), b"\n- 3 -\n"])
def test_empty_file_is_a_read_error(tmp_path: Path, content: bytes) -> None:
    with pytest.raises(DocumentReadError, match="no text"):
        load_document(write(tmp_path / "empty.txt", content))


def test_gb18030_txt(tmp_path: Path) -> None:
    raw = SEED_TXT.read_text(encoding="utf-8")
    gb = load_document(write(tmp_path / "gb" / "seed.txt", raw.encode("gb18030")))
    utf8 = load_document(write(tmp_path / "utf8" / "seed.txt", raw))
    assert gb.text == utf8.text == seed_clean_text()


def test_binary_txt_is_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentReadError, match="binary"):
        load_document(write(tmp_path / "x.txt", b"\x00\x01\x02\x03" * 10))


# ---- ids and the corpus folder --------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "doc_id"),
    [("jineng-qiangqi.txt", "jineng-qiangqi"), ("技能 强企 (2024).pdf", "技能-强企-2024"), ("a_b.md", "a_b")],
)
def test_doc_id_for(name: str, doc_id: str) -> None:
    assert doc_id_for(Path(name)) == doc_id


def test_doc_id_of_a_name_without_word_characters_is_a_hash() -> None:
    assert doc_id_for(Path("（）.txt")) == doc_id_for(Path("（）.txt")) != ""
    assert len(doc_id_for(Path("（）.txt"))) == 12


def test_two_files_with_one_doc_id_are_rejected(tmp_path: Path) -> None:
    write(tmp_path / "notice.txt", NOTICE)
    write(tmp_path / "notice.md", NOTICE)
    with pytest.raises(CorpusError, match="rename"):
        load_corpus(tmp_path)


def test_missing_and_empty_corpus_folders(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="corpus folder missing"):
        load_corpus(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="add policy files"):
        load_corpus(tmp_path / "empty")
