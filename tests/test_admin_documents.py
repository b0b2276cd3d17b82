"""Issue 15 item 6 without a browser: the preview of how an upload splits, the editable
document record (sidecar), shipped documents protected, audit rows for people."""
from __future__ import annotations

import json

import pytest

from assistant import adminview, docedit
from assistant.admin import AdminError, AuditLog, CorpusAdmin, validate_upload
from assistant.documents import derive_record
from assistant.ingest import load_document

LAW = ("宁波市职工培训条例\n"
       "（2020年5月1日宁波市人民代表大会常务委员会通过）\n"
       "第一章 总则\n"
       "第一条 为了规范职工培训，制定本条例。\n"
       "第二条 本条例适用于本市企业。企业应当组织培训。\n"
       "第二章 经费\n"
       "第三条【经费】 企业按工资总额百分之一点五提取培训经费。经费专款专用。不得挪用。\n")


def _upload(text: str, name: str = "条例.txt"):
    return validate_upload(text.encode("utf-8"), name)


# ---- preview ------------------------------------------------------------------------------------
def test_preview_counts_articles_headings_chapters_and_clauses():
    preview = docedit.preview_split(_upload(LAW))
    assert preview.title == "宁波市职工培训条例" and preview.filename == "条例.txt"
    assert [a.label for a in preview.articles] == ["标题", "题注", "第一条", "第二条", "第三条"]
    assert [a.clauses for a in preview.articles] == [1, 1, 1, 2, 3]
    assert preview.numbered == 3 and preview.headings == 1 and preview.clauses == 8
    assert preview.chapters == ("第一章 总则", "第二章 经费")
    html = adminview.preview_html(preview)
    assert "<b>3</b> 条（其中 1 条有标题），2 章，<b>8</b> 个条款" in html
    assert "<td>第二章 经费</td><td>第三条</td><td>经费</td><td style='text-align:right'>3</td>" in html
    assert "preview-warning" not in html


def test_preview_warns_when_no_article_is_found():
    preview = docedit.preview_split(_upload("一段说明文字。\n另一段说明。\n", "说明.txt"))
    assert preview.numbered == 0
    assert "没有识别出编号条文" in adminview.preview_html(preview)


def test_preview_escapes_the_document_text():
    html = adminview.preview_html(docedit.preview_split(_upload("<b>标题</b>\n一、<i>条</i>。\n", "x.txt")))
    assert "<i>" not in html and "&lt;b&gt;标题&lt;/b&gt;" in html


# ---- editable record ----------------------------------------------------------------------------
@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "law.txt").write_text(LAW, encoding="utf-8")
    (folder / "law.meta.json").write_text(json.dumps({"short_title": "培训条例"}, ensure_ascii=False), encoding="utf-8")
    return folder, AuditLog(tmp_path / "audit.jsonl")


def test_current_fields_read_the_record_from_the_text(corpus):
    folder, _ = corpus
    fields = docedit.current_fields(folder / "law.txt")
    assert fields == {"title": "宁波市职工培训条例", "number": "", "issuers": "宁波市人民代表大会常务委员会", "published": "",
                      "effective": "", "level": "市", "region": "宁波市", "status": "有效"}


def test_edit_record_writes_the_changed_fields_to_the_sidecar_and_logs_them(corpus):
    folder, audit = corpus
    values = {**docedit.current_fields(folder / "law.txt"), "number": "甬人大〔2020〕3号",
              "effective": "2020年6月1日", "status": "已废止"}
    changed = docedit.edit_record(folder / "law.txt", values, "王管理", audit)
    assert changed == ["文号", "施行日期", "效力状态"]
    meta = json.loads((folder / "law.meta.json").read_text(encoding="utf-8"))
    assert meta == {"short_title": "培训条例", "number": "甬人大〔2020〕3号", "effective": "2020-06-01", "status": "已废止"}
    record = derive_record(load_document(folder / "law.txt"))
    assert (record.number, record.effective, record.status, record.short_name) == (
        "甬人大〔2020〕3号", "2020-06-01", "已废止", "培训条例")
    entry = audit.entries()[0]
    assert (entry["action"], entry["target"], entry["fields"]) == ("edit_metadata", "law.txt", ["文号", "施行日期", "效力状态"])
    assert adminview.audit_rows([entry])[0][2:] == ["修改文件信息", "law.txt", "修改项 文号、施行日期、效力状态"]
    # the same values again: nothing changes, nothing is logged
    assert docedit.edit_record(folder / "law.txt", values, "王管理", audit) == []
    assert len(audit.entries()) == 1


def test_emptying_a_field_goes_back_to_what_the_text_states(corpus):
    folder, audit = corpus
    base = docedit.current_fields(folder / "law.txt")
    docedit.edit_record(folder / "law.txt", {**base, "title": "新标题", "level": "省"}, "a", audit)
    assert docedit.current_fields(folder / "law.txt")["title"] == "新标题"
    docedit.edit_record(folder / "law.txt", {**base, "title": "宁波市职工培训条例", "level": ""}, "a", audit)
    meta = json.loads((folder / "law.meta.json").read_text(encoding="utf-8"))
    assert meta == {"short_title": "培训条例"}  # both back to the text's own
    assert docedit.current_fields(folder / "law.txt")["level"] == "市"


@pytest.mark.parametrize("field, value, message", [
    ("effective", "明年", "施行日期“明年”不是日期"),
    ("published", "2024-02-30", "发布日期“2024-02-30”不是有效日期"),
    ("level", "乡镇", "层级须为"),
    ("status", "大概有效", "效力状态须为"),
    ("title", "", "标题不能为空"),
    ("number", "号" * 61, "文号过长"),
])
def test_bad_record_values_are_refused_naming_the_field(corpus, field, value, message):
    folder, audit = corpus
    values = {**docedit.current_fields(folder / "law.txt"), field: value}
    with pytest.raises(AdminError, match=message):
        docedit.edit_record(folder / "law.txt", values, "a", audit)
    assert json.loads((folder / "law.meta.json").read_text(encoding="utf-8")) == {"short_title": "培训条例"}


# ---- shipped documents ----------------------------------------------------------------------------
def test_shipped_documents_cannot_be_deleted_or_replaced(tmp_path):
    shipped, folder = tmp_path / "shipped", tmp_path / "corpus"
    shipped.mkdir(), folder.mkdir()
    for where in (shipped, folder):
        (where / "law.txt").write_text(LAW, encoding="utf-8")
    (folder / "own.txt").write_text("自有制度\n一、内容。\n", encoding="utf-8")
    admin = CorpusAdmin(folder, AuditLog(tmp_path / "audit.jsonl"), shipped_dir=shipped)
    assert admin.shipped(folder / "law.txt") and not admin.shipped(folder / "own.txt")
    with pytest.raises(AdminError, match="随程序提供的文档，受保护，不能删除"):
        admin.delete("law.txt", "a")
    with pytest.raises(AdminError, match="不能替换"):
        admin.add(_upload(LAW + "第四条 新增。\n", "law.txt"), "a", replace=True)
    assert (folder / "law.txt").read_text(encoding="utf-8") == LAW
    admin.delete("own.txt", "a")  # an admin's own document can go
    (folder / "law.txt").write_text(LAW + "第四条 改过。\n", encoding="utf-8")
    assert not admin.shipped(folder / "law.txt")  # changed bytes: no longer the shipped file
    assert not CorpusAdmin(folder, AuditLog(tmp_path / "audit.jsonl")).shipped(folder / "law.txt")
