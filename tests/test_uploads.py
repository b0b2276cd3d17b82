"""Admins will upload anything. Every upload goes through the admin tab's own handler
(taken from the built gradio app, logged in) or through ``validate_upload`` +
``CorpusAdmin.add``: a bad file gets a clear message and leaves the knowledge base exactly
as it was (corpus folder listing and bytes, served corpus version, manifest, audit log);
a good one (GB18030 text, odd names) is stored under a safe name inside the corpus folder
and indexed."""
from __future__ import annotations

import hashlib
import io
import os
import random
import shutil
import zipfile
from pathlib import Path

import pytest

from assistant import admin
from assistant.admin import (MAX_NAME_BYTES, MAX_UPLOAD_BYTES, AdminError, AuditLog, CorpusAdmin, safe_filename,
                             validate_upload)
from assistant.core import PolicyAssistant
from assistant.errors import PolicyAssistantError
from assistant.settings import Settings
from conftest import CORPUS, SEED_NAME, FakeEmbedder

ADMIN = "王管理@127.0.0.1"
POLICY = "关于职工技能培训补贴的通知\n一、企业应当为一线职工开展技能培训。\n二、培训补贴按季度发放，每季度末前申请。\n"


# ---- files ------------------------------------------------------------------------------------
def pdf_bytes(encrypt: bool = False) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if encrypt:
        writer.encrypt("secret-pw")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def text_pdf(text: bytes = b"Skills policy: training subsidies are paid each quarter.") -> bytes:
    """A minimal one-page PDF with a text layer (written by hand: no PDF library writes text)."""
    stream = b"BT /F1 12 Tf 20 100 Td (" + text + b") Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (n, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def docx_bytes(*paragraphs: str) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def zip_bomb(unpacked: int) -> bytes:
    """A .docx-looking zip whose one member inflates to ``unpacked`` bytes of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(unpacked // len(chunk) + 1):
                member.write(chunk)
    return out.getvalue()


BAD_UPLOADS = {  # id → (file name, bytes, fragment of the message)
    "empty": ("空文件.txt", b"", "文件为空"),
    "over_size_limit": ("大文件.txt", b"a" * (MAX_UPLOAD_BYTES + 1), "文件过大"),
    "executable": ("tool.exe", b"MZ\x90\x00\x03", "不支持的文件类型"),
    "no_extension": ("README", POLICY.encode(), "文件名无效"),
    "meta_sidecar": ("x.meta.json", b"{}", "不支持的文件类型"),
    "yaml": ("rules.yaml", b"rules: []", "不支持的文件类型"),
    "text_named_pdf": ("假的.pdf", "不是PDF".encode(), "内容与扩展名"),
    "corrupt_pdf": ("坏的.pdf", b"%PDF-1.7\n1 0 obj garbage \x00\x01\x02", "PDF 无法读取"),
    "truncated_pdf": ("截断.pdf", pdf_bytes()[:120], "PDF 无法读取"),
    "encrypted_pdf": ("加密.pdf", pdf_bytes(encrypt=True), "PDF 已加密"),
    "pdf_without_text": ("扫描件.pdf", pdf_bytes(), "没有可读文字"),
    "docx_not_a_zip": ("文档.docx", POLICY.encode(), "内容与扩展名"),
    "docx_zip_of_junk": ("垃圾.docx", zip_bytes({"junk.bin": os.urandom(300), "notes.txt": b"hello"}), "docx 无法读取"),
    "docx_broken_xml": ("坏XML.docx", zip_bytes({"[Content_Types].xml": b"<not xml", "word/document.xml": b"<"}),
                        "docx 无法读取"),
    "docx_zip_bomb": ("炸弹.docx", zip_bomb(admin.MAX_UNPACKED_BYTES + 1), "解压后过大"),
    "png_named_txt": ("图片.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(500), "二进制"),
    "zip_named_txt": ("压缩包.txt", zip_bytes({"a.txt": b"x"}), "二进制文件伪装"),
    "pdf_named_md": ("说明.md", pdf_bytes(), "二进制文件伪装"),
    "elf_named_md": ("程序.md", b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "二进制"),
    "random_bytes_txt": ("随机.txt", bytes([0x80, 0xFF, 0xFE, 0x81]) * 200, "无法识别文件编码"),
    "utf16_text": ("utf16.txt", POLICY.encode("utf-16"), "无法识别文件编码"),
    "whitespace_only": ("空白.txt", " \n\t\u3000\n".encode(), "没有可读文字"),
    "control_chars_only": ("控制符.txt", bytes(range(1, 9)) * 50, "没有可读文字"),
    "same_name_as_existing": (f"{SEED_NAME}.txt", POLICY.encode(), "已存在"),
    "same_document_id": (f"../{SEED_NAME}.md", POLICY.encode(), "已存在"),
}


# ---- the knowledge base under test --------------------------------------------------------------
def make_bot(folder: Path, segmenter) -> PolicyAssistant:
    corpus = folder / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = Settings.from_env(environ={}, corpus_dir=corpus, index_dir=folder / "index",
                                 feedback_db=folder / "data" / "feedback.sqlite3", admin_password="pw")
    bot = PolicyAssistant(settings, embedder=FakeEmbedder(), segmenter=segmenter)
    bot.ensure_index()
    return bot


def admin_handlers(bot: PolicyAssistant) -> dict:
    """The admin tab's handlers, and under "session" the token of a logged-in admin session
    (admin rights live in a server-side session: a made-up actor string is refused)."""
    from types import SimpleNamespace

    from assistant.ui import create_app

    handlers = {f.name: f.fn for f in create_app(bot).fns.values() if f.name}
    request = SimpleNamespace(session_hash="uploads", client=SimpleNamespace(host="127.0.0.1"))
    handlers["session"] = handlers["do_login"]("王管理", bot.settings.admin_password, request)[0]
    assert handlers["session"]
    return handlers


def snapshot(bot: PolicyAssistant) -> tuple:
    """Everything an upload could change: every file in the corpus folder (hidden ones
    too) with its bytes, the served and the persisted corpus version, the audit log."""
    folder = bot.settings.corpus_dir
    files = sorted((p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in folder.iterdir())
    audit = Path(bot.settings.feedback_db).parent / "admin_audit.jsonl"
    return (files, bot.index.manifest["corpus_version"], bot.index.read_manifest(),
            audit.read_text(encoding="utf-8") if audit.exists() else "")


def upload(handlers: dict, tmp_path: Path, name: str, data: bytes, replacing: bool = False) -> str:
    """Upload ``data`` as file ``name`` through the admin tab's handler; the message shown."""
    folder = tmp_path / hashlib.sha1(name.encode() + data[:64]).hexdigest()[:10]
    folder.mkdir(exist_ok=True)  # the same file may be uploaded twice
    path = folder / name
    path.write_bytes(data)
    result = handlers["do_upload_file"](handlers["session"], str(path), replacing, lambda *a, **k: None)
    return result[0]


@pytest.fixture(scope="module")
def kb(tmp_path_factory, segmenter):
    """One knowledge base for all refused uploads (they must not change it)."""
    bot = make_bot(tmp_path_factory.mktemp("uploads"), segmenter)
    return bot, admin_handlers(bot)


@pytest.fixture
def fresh_kb(tmp_path, segmenter):
    """A knowledge base of its own for uploads that succeed."""
    bot = make_bot(tmp_path / "kb", segmenter)
    return bot, admin_handlers(bot)


# ---- refused uploads --------------------------------------------------------------------------
@pytest.mark.parametrize("case", sorted(BAD_UPLOADS))
def test_bad_upload_is_refused_clearly_and_changes_nothing(kb, tmp_path, case):
    bot, handlers = kb
    name, data, fragment = BAD_UPLOADS[case]
    if "/" in name:  # a name no file system allows: straight to the validator and the corpus
        before = snapshot(bot)
        with pytest.raises(PolicyAssistantError, match=fragment):
            CorpusAdmin(bot.settings.corpus_dir, AuditLog(tmp_path / "audit.jsonl")).add(validate_upload(data, name), ADMIN)
        assert snapshot(bot) == before
        return
    before = snapshot(bot)
    message = upload(handlers, tmp_path, name, data)
    assert message.startswith("**未完成：**") and fragment in message, message
    assert snapshot(bot) == before


@pytest.mark.parametrize("case", sorted(k for k, (_, _, fragment) in BAD_UPLOADS.items() if fragment != "已存在"))
def test_validator_raises_a_domain_error_for_each_bad_file(case):
    name, data, fragment = BAD_UPLOADS[case]
    with pytest.raises(PolicyAssistantError, match=fragment):
        validate_upload(data, name)


def test_no_file_selected(kb):
    bot, handlers = kb
    before = snapshot(bot)
    assert "请先选择文件" in handlers["do_upload_file"](handlers["session"], None, False, lambda *a, **k: None)[0]
    assert snapshot(bot) == before


def test_the_web_server_refuses_files_over_the_size_limit(kb):
    from fastapi.testclient import TestClient

    from assistant.api import create_server

    bot, _ = kb
    before = snapshot(bot)
    server = create_server(bot)
    sessions = server.state.admin_sessions
    key = sessions.upload_token(sessions.open(ADMIN))  # what the admin's browser holds as a cookie
    with TestClient(server) as client:
        client.cookies.set("policy_upload", key)
        big = client.post("/gradio_api/upload", files={"files": ("big.txt", b"a" * (MAX_UPLOAD_BYTES + 1), "text/plain")})
        small = client.post("/gradio_api/upload", files={"files": ("small.txt", b"abc", "text/plain")})
    assert big.status_code == 413 and small.status_code == 200
    assert snapshot(bot) == before


# ---- damaged files (seeded mutation fuzzing) ----------------------------------------------------
def mutate(data: bytes, rng: random.Random, tokens: tuple[bytes, ...] = ()) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        at = rng.randrange(5, len(out))
        roll = rng.random()
        if roll < 0.5:
            out[at] = rng.randrange(256)
        elif roll < 0.75 or not tokens:
            del out[at : at + rng.randint(1, 40)]
        else:
            out[at:at] = rng.choice(tokens)
    return bytes(out)


PDF_TOKENS = (b"<<", b">>", b"[", b"]", b"9999999999", b"-1", b"/", b" R ", b"obj", b"stream")


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_damaged_pdf_and_docx_files_never_escape_as_crashes(kind):
    """Byte-level damage makes pypdf / python-docx / zipfile / zlib / lxml raise all sorts of
    things (TypeError, AttributeError, LimitReachedError, zlib.error, XMLSyntaxError,
    NotImplementedError…); every one must come out as a clear domain error."""
    good = text_pdf() if kind == "pdf" else docx_bytes("关于职工培训的通知", "一、企业应当开展培训。")
    assert validate_upload(good, f"good.{kind}").chars > 10
    rng = random.Random(20240601)
    outcomes = {"accepted": 0, "refused": 0}
    for n in range(600):
        data = mutate(good, rng, PDF_TOKENS if kind == "pdf" else ())
        try:
            validate_upload(data, f"damaged-{n}.{kind}")
            outcomes["accepted"] += 1
        except PolicyAssistantError:
            outcomes["refused"] += 1
    assert outcomes["refused"] > 100, outcomes


def test_damaged_xml_inside_a_docx_is_a_clear_error():
    good = docx_bytes("关于职工培训的通知", "一、企业应当开展培训。")
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    rng = random.Random(7)
    refused = 0
    for n in range(300):
        damaged = dict(members)
        name = rng.choice(sorted(k for k, v in damaged.items() if len(v) > 10))
        damaged[name] = mutate(damaged[name], rng)
        try:
            validate_upload(zip_bytes(damaged), f"xml-{n}.docx")
        except PolicyAssistantError:
            refused += 1
    assert refused > 50


def test_a_damaged_file_already_in_the_corpus_folder_is_a_clear_error(tmp_path, caplog):
    """Skipped with a one-line warning naming it; the rest is served (see
    test_hardening_web.py for ingest and app start); nothing readable left is an error."""
    from assistant.errors import CorpusError
    from assistant.ingest import load_corpus

    (tmp_path / "good.txt").write_text(POLICY, encoding="utf-8")
    (tmp_path / "broken.docx").write_bytes(BAD_UPLOADS["docx_broken_xml"][1])
    assert [d.doc_id for d in load_corpus(tmp_path)] == ["good"]
    assert any("broken.docx" in r.getMessage() and "docx 无法读取" in r.getMessage() for r in caplog.records)
    (tmp_path / "good.txt").unlink()
    with pytest.raises(CorpusError, match="broken.docx"):
        load_corpus(tmp_path)


def test_a_pdf_with_a_text_layer_is_accepted(fresh_kb, tmp_path):
    bot, handlers = fresh_kb
    message = upload(handlers, tmp_path, "quarterly.pdf", text_pdf())
    assert message.startswith("已上传 quarterly.pdf"), message
    assert "training subsidies are paid each quarter" in bot.index.documents["quarterly"].text


# ---- names ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, stored", [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\windows\\system32\\x.txt", "x.txt"),
    ("/etc/cron.d/job.md", "job.md"),
    ("C:\\Users\\admin\\通知.txt", "通知.txt"),
    ("通\x00知.txt", "通知.txt"),
    ("\u202etxt.exe.txt", "txt.exe.txt"),
    (".bashrc.txt", "bashrc.txt"),
    ("政策 文件;rm -rf ~.TXT", "政策_文件_rm_-rf.txt"),
    ("x.txt.", "x.txt"),
])
def test_names_are_made_safe(name, stored):
    assert safe_filename(name) == stored


@pytest.mark.parametrize("name", ["..", "../", "/", "..\\", "\x00.txt", "...txt", "?.txt", "a.exe", "a.txt.exe", ""])
def test_names_without_a_usable_stem_or_type_are_refused(name):
    with pytest.raises(AdminError):
        safe_filename(name)


@pytest.mark.parametrize("name", ["长" * 300 + ".txt", "a" * 1000 + ".md", "文件📄" * 100 + ".txt"])
def test_very_long_names_are_shortened_to_what_a_file_system_holds(name):
    stored = safe_filename(name)
    assert len(stored.encode("utf-8")) <= MAX_NAME_BYTES < 255
    assert stored.endswith(Path(name).suffix) and len(stored) > 10


def test_traversal_names_are_stored_inside_the_corpus_folder(tmp_path):
    corpus = tmp_path / "srv" / "corpus"
    corpus.mkdir(parents=True)
    (corpus / "a.txt").write_text("文件甲\n一、内容。\n", encoding="utf-8")
    admin_corpus = CorpusAdmin(corpus, AuditLog(tmp_path / "audit.jsonl"))
    for name in ["../../etc/passwd.txt", "../srv/escape.txt", "..\\..\\up.txt", "/tmp/abs.txt", "长" * 300 + ".txt"]:
        path = admin_corpus.add(validate_upload(POLICY.encode(), name), ADMIN)
        assert path.resolve().parent == corpus.resolve() and path.read_text(encoding="utf-8") == POLICY
    outside = [p for p in tmp_path.rglob("*") if p.is_file() and corpus not in p.parents]
    assert sorted(p.name for p in outside) == ["audit.jsonl"]
    assert not list(corpus.glob(".upload-*"))


def test_a_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("文件甲\n一、内容。\n", encoding="utf-8")
    admin_corpus = CorpusAdmin(corpus, AuditLog(tmp_path / "audit.jsonl"))

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(admin.os, "replace", full_disk)
    with pytest.raises(AdminError, match="无法写入"):
        admin_corpus.add(validate_upload(POLICY.encode(), "b.txt"), ADMIN)
    assert sorted(p.name for p in corpus.iterdir()) == ["a.txt"] and admin_corpus.audit.entries() == []


# ---- accepted uploads -------------------------------------------------------------------------
def test_gb18030_text_is_accepted_decoded_and_indexed(fresh_kb, tmp_path):
    bot, handlers = fresh_kb
    version = bot.index.corpus_version
    data = POLICY.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really not UTF-8
    message = upload(handlers, tmp_path, "培训补贴通知.txt", data)
    assert message.startswith("已上传 培训补贴通知.txt") and "索引已更新" in message, message
    assert (bot.settings.corpus_dir / "培训补贴通知.txt").read_bytes() == data  # stored as uploaded
    doc = bot.index.documents["培训补贴通知"]
    assert doc.title == "关于职工技能培训补贴的通知" and "培训补贴按季度发放" in doc.text
    assert bot.index.corpus_version != version
    entry = AuditLog(Path(bot.settings.feedback_db).parent / "admin_audit.jsonl").entries()
    assert [e["action"] for e in entry[:2]] == ["ingest", "upload"] and entry[1]["target"] == "培训补贴通知.txt"


def test_replacing_needs_the_box_ticked_and_keeps_one_file(fresh_kb, tmp_path):
    bot, handlers = fresh_kb
    assert upload(handlers, tmp_path, "mine.txt", POLICY.encode()).startswith("已上传")  # not the shipped document
    mine = bot.settings.corpus_dir / "mine.txt"
    original = mine.read_bytes()
    assert "内容未变化" in upload(handlers, tmp_path, mine.name, POLICY.encode())  # the same file again
    assert "已存在" in upload(handlers, tmp_path, mine.name, (POLICY + "三、另一条。\n").encode())  # box not ticked
    assert mine.read_bytes() == original
    message = upload(handlers, tmp_path, mine.name, original + "\n十、补充条款。新增一条。\n".encode(), replacing=True)
    assert message.startswith("已上传"), message
    assert mine.read_bytes().startswith(original) and "补充条款" in bot.index.documents["mine"].text
