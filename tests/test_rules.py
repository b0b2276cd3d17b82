"""Rules per document, suggestions from any text, saving rules with verbatim quotes, and
every shipped rule's own example cases (no embedder: rules are checked against the
documents read and split here)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.eligibility import RuleBase
from assistant.errors import QuoteMissingError, RuleBaseError
from assistant.rulebook import Rulebook, default_examples, run_examples
from assistant.suggest import suggest, suggest_sentence
from assistant.models import SourceDocument
from assistant.structure import split_document

ROOT = Path(__file__).resolve().parent.parent
MULTIDOC = ROOT / "evals/multidoc/docs"

# A small company rule book written for these tests (nobody tuned the suggester on it).
HANDBOOK = """# 示例公司员工关怀办法

第一条 为关心员工生活，制定本办法。

第二条 员工在本公司连续工作满三年的，每年可以享受一次健康体检补助，补助标准为八百元。

第三条 对取得高级技师证书并且年龄在四十五周岁以下的员工，公司给予一次性奖励二万元。

第四条 员工子女考入全日制本科院校的，可以申请助学补贴。

第五条 员工应当遵守公司规章制度，违反规定的，给予警告处分。
"""


class _Audit:
    def __init__(self):
        self.entries = []

    def append(self, actor, action, target="", **detail):
        self.entries.append((actor, action, target, detail))
        return {}


def _handbook_corpus(tmp_path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "guanhuai.md").write_text(HANDBOOK, encoding="utf-8")
    return corpus


def _clauses(text: str, doc_id: str = "guanhuai"):
    return split_document(SourceDocument(doc_id, "示例公司员工关怀办法", text, f"{doc_id}.md"))


def test_suggestions_split_conditions_and_read_thresholds_with_the_figures_module():
    found = {s.article: s for s in suggest(_clauses(HANDBOOK))}
    assert set(found) == {"第二条", "第三条", "第四条"}  # 第五条 is a penalty, 第一条 grants nothing
    (years,) = found["第二条"].conditions
    assert (years.kind, years.op, years.value) == ("months", "at_least", 36.0)
    kinds = [(c.kind, c.op, c.value, c.unit) for c in found["第三条"].conditions]
    assert kinds == [("number", "at_most", 45.0, "周岁")]
    (college,) = found["第四条"].conditions
    assert (college.kind, college.op) == ("bool", "true") and college.quote == "员工子女考入全日制本科院校的"


def test_a_sentence_without_a_condition_or_with_a_denied_grant_is_no_suggestion():
    assert suggest_sentence("公司内部组织的培训，不向职工收取任何费用。") is None
    assert suggest_sentence("职工有下列情形之一的，不享受当年的年休假。") is None
    assert suggest_sentence("违反规定的，给予警告处分。") is None


def test_a_two_sided_duration_becomes_two_conditions_on_one_fact():
    clauses = _clauses("第一条 职工累计工作已满1年不满10年的，年休假5天。\n")
    (s,) = suggest(clauses)
    assert [(c.op, c.value) for c in s.conditions] == [("at_least", 12.0), ("below", 120.0)]
    rule = s.to_rule("leave", author="测试")
    cases = default_examples(rule)
    assert cases[0] == {"facts": {"f1": "12"}, "expected": "eligible"}
    assert [c["expected"] for c in cases[1:]] == ["not_eligible", "not_eligible"]


def test_an_accepted_suggestion_is_saved_checked_and_its_examples_pass(tmp_path):
    corpus = _handbook_corpus(tmp_path)
    audit = _Audit()
    book = Rulebook(corpus, audit)
    s = next(x for x in suggest(book.clauses("guanhuai")) if x.article == "第二条")
    rule = s.to_rule("checkup", author="")
    assert RuleBase.from_corpus(corpus).rules == {}  # a suggestion is never active until saved
    path = book.save("guanhuai", rule, actor="王经理")
    assert path.name == "guanhuai.rules.yaml"
    rules = RuleBase.from_corpus(corpus)
    saved = rules.rules["checkup"]
    assert saved.author == "王经理" and saved.doc_id == "guanhuai" and len(saved.version) == 12
    assert audit.entries[0][:3] == ("王经理", "rule_add", "checkup")
    assert [(e.expected, e.ok) for e in run_examples(rules)] == [("eligible", True), ("not_eligible", True)]
    verdict = rules.check("checkup", {"f1": "2年"})
    assert verdict.outcome == "not_eligible" and verdict.author == "王经理" and verdict.document == "guanhuai"
    assert "rule_version" in verdict.to_csv() and saved.version in verdict.to_csv()


def test_saving_a_quote_not_in_the_text_is_refused_with_the_fix(tmp_path):
    book = Rulebook(_handbook_corpus(tmp_path), _Audit())
    rule = next(x for x in suggest(book.clauses("guanhuai")) if x.article == "第二条").to_rule("checkup")
    rule["conditions"][0]["quote"] = "连续工作满五年的"
    with pytest.raises(QuoteMissingError, match="逐字复制"):
        book.save("guanhuai", rule, actor="王经理")
    assert not (book.dir / "guanhuai.rules.yaml").exists()
    with pytest.raises(RuleBaseError, match="没有文档"):
        book.save("nope", rule, actor="王经理")


def test_a_rule_whose_document_is_deleted_or_replaced_is_disabled_with_the_reason(tmp_path):
    corpus = _handbook_corpus(tmp_path)
    book = Rulebook(corpus, _Audit())
    book.save("guanhuai", next(x for x in suggest(book.clauses("guanhuai")) if x.article == "第二条").to_rule("checkup"), "HR")
    (corpus / "guanhuai.md").write_text(HANDBOOK.replace("满三年", "满两年"), encoding="utf-8")
    rules = RuleBase.from_corpus(corpus)
    assert "checkup" not in rules.rules and "引文不在原文中" in rules.off["checkup"].reason
    (corpus / "guanhuai.md").unlink()
    (corpus / "other.md").write_text("第一条 其他。\n", encoding="utf-8")
    assert "不在当前语料中" in RuleBase.from_corpus(corpus).off["checkup"].reason


def _multidoc_corpus(tmp_path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    for path in MULTIDOC.iterdir():
        shutil.copy2(path, corpus / path.name)
    return corpus


def test_every_shipped_rule_loads_and_passes_its_examples(tmp_path):
    rules = RuleBase.from_corpus(_multidoc_corpus(tmp_path))
    assert not rules.off
    grouped = rules.grouped()
    assert len([d for d in grouped if d != "jineng-qiangqi-zhidao-yijian"]) >= 3
    results = run_examples(rules)
    assert len({r.rule_id for r in results}) == len(rules.rules) and all(r.ok for r in results)


def test_the_same_benefit_in_a_law_a_company_rule_and_the_guiding_opinion(tmp_path):
    rules = RuleBase.from_corpus(_multidoc_corpus(tmp_path))
    law = rules.rules["ldht_service_period"]
    assert {r.id for r in rules.same_benefit(law)} == {"xh_service_period", "service_period"}
    facts = {"paid_training": "是", "technical_training": "是", "external_full_time": "是", "training_cost": "1.5万元"}
    assert [rules.check(r, facts).outcome for r in ("ldht_service_period", "xh_service_period")] == ["eligible"] * 2
    assert rules.check("xh_service_period", {**facts, "training_cost": "八千元"}).outcome == "not_eligible"


def test_suggestions_on_the_real_texts_find_the_service_period_and_annual_leave():
    law = split_document(__import__("assistant.ingest", fromlist=["x"]).load_document(MULTIDOC / "laodong-hetong-fa.md"))
    s = next(x for x in suggest(law) if x.article == "第二十二条")
    assert [c.quote for c in s.conditions] == ["用人单位为劳动者提供专项培训费用", "对其进行专业技术培训的"]
    leave = split_document(__import__("assistant.ingest", fromlist=["x"]).load_document(
        MULTIDOC / "qiye-zhigong-nianxiujia-shishi-banfa.md"))
    s = next(x for x in suggest(leave) if x.article == "第三条")
    assert [(c.kind, c.op, c.value) for c in s.conditions] == [("months", "at_least", 12.0)]


def test_the_editor_table_adjusts_a_threshold_and_the_examples_follow(tmp_path):
    from assistant.rulebook import editor_rows, rule_from_rows

    book = Rulebook(_handbook_corpus(tmp_path), _Audit())
    rule = next(x for x in suggest(book.clauses("guanhuai")) if x.article == "第二条").to_rule("checkup")
    rows = editor_rows(rule)
    assert rows == [["员工在本公司连续工作满三年", "期限", "≥", "36", "", "员工在本公司连续工作满三年：实际期限是多长？",
                     "员工在本公司连续工作满三年的"]]
    rows[0][3] = "24"  # HR adjusts the threshold
    edited = rule_from_rows(rule, rows, title="体检补助")
    assert edited["conditions"][0]["value"] == 24.0 and edited["examples"][1]["facts"] == {"f1": "23"}
    book.save("guanhuai", edited, "HR")
    assert RuleBase.from_corpus(book.dir).check("checkup", {"f1": "两年"}).outcome == "eligible"
    rows[0][3] = "两年多"
    with pytest.raises(RuleBaseError, match="不是数字"):
        rule_from_rows(rule, rows)


def test_hr_record_exports_carry_the_rules_document_article_version_and_author(tmp_path):
    import csv
    import io

    from assistant import presenter

    rules = RuleBase.from_corpus(_multidoc_corpus(tmp_path))
    verdict = rules.check("xh_service_period", {"training_cost": "2万元"})
    record = presenter.record_from_form("张三", "001", "2025-03-01", "李四")
    row = next(csv.DictReader(io.StringIO(presenter.record_csv(verdict, record, "细则", "v1"))))
    assert (row["规则文件"], row["规则条文"], row["规则作者"]) == ("xinghe-peixun-jineng-shishi-xize", "第十六条", "政策助手示例规则")
    assert row["规则版本"] == rules.rules["xh_service_period"].version
    markdown = presenter.record_markdown(verdict, record, "细则", "v1")
    assert rules.rules["xh_service_period"].version in markdown
    # each condition's basis names its article as answers do: 第十六条, never 第第十六条条
    assert "| 第十六条：“" in markdown and "第第" not in markdown


# ---- authoring in the admin tab (package side), levels ---------------------------------------------
def test_authoring_a_suggestion_adjusting_its_threshold_and_saving_it(tmp_path):
    from assistant import rule_authoring
    from assistant.conversation import Conversation
    from assistant.eligibility import extract_facts
    from assistant.rulebook import editor_rows
    from assistant.verdicts import eligibility_answer

    audit = _Audit()
    book = Rulebook(_handbook_corpus(tmp_path), audit)
    found = rule_authoring.drafts(book, "guanhuai", "王经理@10.0.0.1")
    assert [d.key for d in found if d.key.startswith("suggestion")] == ["suggestion:1", "suggestion:2", "suggestion:3"]
    assert [d.label for d in found if d.key.startswith("clause")][1:3] == ["条文：第一条 为关心员工生活，制定本办法。",
                                                                           "条文：第二条 员工在本公司连续工作满三年的，每年可以享"]
    draft = rule_authoring.draft_for(book, "guanhuai", "suggestion:1")
    assert draft.rule["id"] == "guanhuai-1" and draft.rule["facts"][0]["cues"] == ["连续", "工作"]
    rows = editor_rows(draft.rule)
    rows[0][3] = "24"  # HR: two years are enough
    saved = rule_authoring.save(book, "guanhuai", draft.rule, "guanhuai-1", "健康体检补助", "体检", rows, "王经理@10.0.0.1")
    assert (saved.file, saved.examples, saved.passed) == ("guanhuai.rules.yaml", 2, 2)
    assert audit.entries[-1][:3] == ("王经理@10.0.0.1", "rule_add", "guanhuai-1")
    rules = RuleBase.from_corpus(book.dir)
    rule = rules.rules["guanhuai-1"]
    assert (rule.title, rule.topic, rule.author, rule.version) == ("健康体检补助", "体检", "王经理", saved.version)
    assert extract_facts(rule, "我在公司连续工作了两年半") == {"f1": 30.0}
    answer = eligibility_answer(rules, "我在公司连续工作了两年半，能享受健康体检补助吗？", Conversation())
    assert answer.rule.outcome == "eligible" and "[1] 第二条：“员工在本公司连续工作满三年的”" in answer.answer
    rows[0][6] = "员工在本公司连续工作满两年的"  # not in the text
    with pytest.raises(QuoteMissingError, match="逐字复制"):
        rule_authoring.save(book, "guanhuai", draft.rule, "guanhuai-1", "健康体检补助", "", rows, "王经理")
    with pytest.raises(RuleBaseError, match="规则编号"):
        rule_authoring.save(book, "guanhuai", draft.rule, "体检 补助!", "健康体检补助", "", editor_rows(draft.rule), "王经理")


def test_a_rule_started_from_a_clause_is_found_by_its_name_in_the_chat(tmp_path):
    from assistant import rule_authoring
    from assistant.rulebook import editor_rows

    book = Rulebook(_handbook_corpus(tmp_path), _Audit())
    key = next(d.key for d in rule_authoring.drafts(book, "guanhuai") if d.label.startswith("条文：第四条"))
    draft = rule_authoring.draft_for(book, "guanhuai", key)
    rows = editor_rows(draft.rule)
    assert rows[0][6] == "员工子女考入全日制本科院校的，可以申请助学补贴"  # the article's first sentence
    rows[0][0], rows[0][6] = "子女考入全日制本科院校", "员工子女考入全日制本科院校的"  # HR keeps the condition
    rule_authoring.save(book, "guanhuai", draft.rule, draft.rule["id"], "助学补贴", "", rows, "HR")
    rule = RuleBase.from_corpus(book.dir).rules[draft.rule["id"]]
    assert [(c.text, c.op, c.quote) for c in rule.conditions] == [("子女考入全日制本科院校", "true", "员工子女考入全日制本科院校的")]
    assert rule.triggers == ("助学补贴",) and rule.benefits == ("助学补贴",) and rule.article == "第四条"


def test_a_benefit_set_by_a_national_and_a_local_text_gives_both_verdicts_with_level_and_validity(tmp_path):
    from assistant.documents import records
    from assistant.evaluation import invented_figures
    from assistant.ingest import corpus_files, doc_id_for, load_document
    from assistant.rules_view import standing
    from assistant.verdicts import render

    corpus = _multidoc_corpus(tmp_path)
    rules = RuleBase.from_corpus(corpus)
    recs = records({doc_id_for(p): load_document(p) for p in corpus_files(corpus)})
    assert [f.name for f in rules.form_facts("ldht_service_period")] == [
        "paid_training", "technical_training", "external_full_time", "training_cost"]
    facts = {"paid_training": "是", "technical_training": "是", "external_full_time": "是", "training_cost": "八千元"}
    verdicts = rules.check_all("ldht_service_period", facts)
    assert [(v.document, v.outcome) for v in verdicts] == [
        ("laodong-hetong-fa", "eligible"), ("jineng-qiangqi-zhidao-yijian", "eligible"),
        ("xinghe-peixun-jineng-shishi-xize", "not_eligible")]  # the company's 细则 asks for at least 10000 yuan
    law = recs["laodong-hetong-fa"]
    assert standing(law).startswith("国家级 · 法律 · 有效")
    answer = render(verdicts[0], "培训服务期", "第二十二条", verdicts[1:], recs)
    assert "依据文件：《劳动合同法》（国家级 · 法律 · 有效）" in answer.answer  # no date: no cited sentence states it
    assert ("《星河智造科技有限公司职工培训与技能等级认定实施细则》（企业 · 企业制度 · 有效）第十六条（外派培训服务协议（服务期））："
            "不符合条件\n- 公司出资选派：满足[4]") in answer.answer
    assert invented_figures(answer) == [] and len(answer.citations) == 6


def test_with_several_documents_loaded_a_verdict_names_its_document(tmp_path):
    from assistant.documents import records
    from assistant.ingest import corpus_files, doc_id_for, load_document
    from assistant.verdicts import render

    corpus = _multidoc_corpus(tmp_path)
    recs = records({doc_id_for(p): load_document(p) for p in corpus_files(corpus)})
    verdict = RuleBase.from_corpus(corpus).check("xh_service_period", {})
    answer = render(verdict, "外派培训服务期", "第十六条", [], recs)
    assert "（《星河智造科技有限公司职工培训与技能等级认定实施细则》第十六条）" in answer.answer
    assert "[1] 《星河智造科技有限公司职工培训与技能等级认定实施细则》第十六条：“" in answer.answer
    # the shipped document alone: its articles need no name
    alone = render(verdict, "外派培训服务期", "第十六条", [], {})
    assert "（第十六条）" in alone.answer and "[1] 第十六条：“" in alone.answer
