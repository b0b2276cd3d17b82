"""Audit (issue 14, point 6): every citation carries its document's version (content hash)
and status as added fields of the JSON contract (the earlier fields unchanged); feedback
rows and HR exports record them."""
from __future__ import annotations

import csv
import io
import json

from assistant import presenter as view
from assistant import wording
from assistant.feedback import FeedbackStore

CONTRACT_FIELDS = {"doc_id", "doc_title", "article", "heading", "clause_id", "quote"}  # before issue 14
ADDED_FIELDS = {"doc_version", "doc_status", "doc_level", "doc_region"}


def test_citations_in_the_json_contract_carry_the_document_version_and_status(shared_fake_bot) -> None:
    answer = shared_fake_bot.ask("企业职工教育经费按工资总额提取的比例是多少？")
    record = shared_fake_bot.index.snapshot.records[answer.citations[0].doc_id]
    cited = answer.to_dict()["citations"][0]
    assert set(cited) == CONTRACT_FIELDS | ADDED_FIELDS
    assert (cited["doc_version"], cited["doc_status"]) == (record.version, "有效") and len(record.version) == 12


def test_feedback_rows_and_their_export_record_version_and_status(shared_fake_bot, tmp_path) -> None:
    answer = shared_fake_bot.ask("企业职工教育经费按工资总额提取的比例是多少？")
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    store.add("down", answer, comment="数字不对")
    stored = store.rows()[0]["citations"][0]
    assert (stored["doc_version"], stored["doc_status"]) == (answer.citations[0].doc_version, "有效")
    exported = list(csv.DictReader(io.StringIO(store.to_csv().lstrip("\ufeff"))))
    assert json.loads(exported[0]["citations"])[0]["doc_version"] == answer.citations[0].doc_version


def test_hr_exports_file_the_cited_documents_version_and_status(shared_fake_bot, tmp_path) -> None:
    bot = shared_fake_bot
    rule = next(iter(bot.rules.rules.values()))
    verdict = bot.rules.check(rule.id, {})
    snap = bot.index.snapshot
    document = view.rule_record(snap, verdict)
    assert document is not None and document.doc_id == rule.doc_id
    title, version = view.rule_document(snap, verdict)
    record = view.record_from_form("张三", "E001", "2025-03-01", "李人事")
    md_path, csv_path, page_path = view.write_record_files(verdict, record, title, version, tmp_path, document)
    md = md_path.read_text(encoding="utf-8")
    assert f"| 文件版本 | {document.version} |" in md and "| 文件状态 | 有效 |" in md
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
    assert list(rows[0])[-6:] == ["文件版本", "文件状态", "规则文件", "规则条文", "规则版本", "规则作者"]  # added at the end
    assert {(r["文件版本"], r["文件状态"]) for r in rows} == {(document.version, "有效")}
    assert document.version in page_path.read_text(encoding="utf-8")
    html = view.verdict_html(verdict, snap, record, title, version, document)
    assert document.version in html and "文件状态" in html
    header = ",".join([wording.RECORD_LABELS["employee_name"], *[f.label for f in rule.facts]])
    out, count, problems = view.batch_check(bot.rules, rule, header + "\n张三" + "," * len(rule.facts), "2025-03-01",
                                            "李人事", doc_title=title, version=version, document=document)
    batch = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    assert count == 1 and (batch[0]["文件版本"], batch[0]["文件状态"]) == (document.version, "有效")
