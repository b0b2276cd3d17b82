"""The document record (issue 14): what each document is, read from its own text, and how
questions that name a level, a region or a version are answered."""
from __future__ import annotations

from assistant.documents import aliases, alias_table, asks_old_version, derive_record, mentioned_scope, named_documents, records
from assistant.models import SourceDocument


def doc(doc_id: str, title: str, body: str = "", path: str = "", **meta) -> SourceDocument:
    return SourceDocument(doc_id, title, f"{title}\n{body}", path, meta)


LAW_FRONT = ("2007年6月29日第十届全国人民代表大会常务委员会第二十八次会议通过\n"
             "2012年12月28日第十一届全国人民代表大会常务委员会第三十次会议修正\n"
             "第一条 为了完善劳动合同制度，制定本法。\n第九十八条 本法自2008年1月1日起施行。")


def test_a_national_law_record_is_read_from_its_text() -> None:
    r = derive_record(doc("law", "中华人民共和国劳动合同法", LAW_FRONT))
    assert (r.short_name, r.kind, r.level, r.region) == ("劳动合同法", "法律", "国家", "全国")
    assert (r.issuers, r.adopted, r.amended, r.effective) == ("全国人民代表大会常务委员会", "2007-06-29", "2012-12-28",
                                                               "2008-01-01")
    assert r.status == "有效" and len(r.version) == 12
    assert r.number == "" and r.published == ""  # not stated in the text: left empty, never invented


def test_local_company_and_regulation_records() -> None:
    beijing = derive_record(doc("bj", "北京市实施《中华人民共和国妇女权益保障法》办法",
                                "2009年9月25日北京市第十三届人民代表大会常务委员会第十三次会议修订\n第一条 为了……，制定本办法。"))
    assert (beijing.kind, beijing.level, beijing.region, beijing.issuers) == (
        "地方性法规", "省", "北京市", "北京市人民代表大会常务委员会")
    ningbo = derive_record(doc("nb", "宁波市企业工资集体协商条例", "第一条 为了……，制定本条例。"))
    assert (ningbo.level, ningbo.region) == ("市", "宁波市")
    regulation = derive_record(doc("reg", "职工带薪年休假条例", "2007年12月14日中华人民共和国国务院令第514号公布\n第一条 为了……"))
    assert (regulation.kind, regulation.number, regulation.published) == ("行政法规", "国务院令第514号", "2007-12-14")
    company = derive_record(doc("co", "星河公司培训实施细则", "第一条 为了……"))
    assert (company.kind, company.level) == ("企业制度", "企业")
    overridden = derive_record(doc("x", "某办法", "第一条 …", status="已废止", region="本市"))
    assert (overridden.status, overridden.region) == ("已废止", "本市")  # the sidecar wins


def test_two_versions_of_one_text_the_later_in_force() -> None:
    docs = {
        "old": doc("old", "中华人民共和国妇女权益保障法", "2018年10月26日……会议修正\n第一条 ……"),
        "new": doc("new", "中华人民共和国妇女权益保障法", "2022年10月30日……会议修订\n第一条 ……\n第八十六条 本法自2023年1月1日起施行。"),
    }
    recs = records(docs)
    assert recs["new"].in_force and not recs["old"].in_force
    assert recs["old"].status == "已被新版《妇女权益保障法》替代" and recs["old"].replaced_by == "new"
    assert alias_table(docs)["妇女权益保障法"] == ("new", "old")  # one name for both versions
    assert asks_old_version("2018年版妇女权益保障法怎么规定？", recs["old"])
    assert asks_old_version("修订前的规定是什么？", recs["old"]) and not asks_old_version("现在怎么规定？", recs["old"])


def test_a_question_comparing_versions_prefers_neither_and_asks_about_its_topic() -> None:
    from assistant.documents import compares_versions, without_versions

    docs = {
        "old": doc("old", "中华人民共和国妇女权益保障法", "2018年10月26日……会议修正\n第一条 ……"),
        "new": doc("new", "中华人民共和国妇女权益保障法", "2022年10月30日……会议修订\n第一条 ……"),
    }
    old = records(docs)["old"]
    question = "2018年版和现行的妇女权益保障法，在孕期合同到期这件事上有什么变化？"
    assert compares_versions(question, old) and not compares_versions("2018年版怎么规定？", old)
    assert without_versions(question) == "，和，妇女权益保障法，在孕期合同到期这件事上，？"
    assert without_versions("工资有什么变化？") == "工资有什么变化？"  # no version named: a change is a topic


def test_a_text_another_repeals_is_marked_repealed() -> None:
    docs = {"a": doc("a", "某市职工培训办法", "第一条 ……"),
            "b": doc("b", "某市职工教育条例", "第一条 ……\n第九条 本条例自2020年1月1日起施行，《某市职工培训办法》同时废止。")}
    recs = records(docs)
    assert (recs["a"].status, recs["a"].replaced_by) == ("已废止", "b") and recs["b"].in_force


def test_names_regions_and_levels_in_questions() -> None:
    docs = {"bj": doc("bj", "北京市实施《中华人民共和国妇女权益保障法》办法", "第一条 ……"),
            "law": doc("law", "中华人民共和国妇女权益保障法", "第一条 ……")}
    table = alias_table(docs)
    assert "北京市实施妇女权益保障法办法" in aliases(docs["bj"])
    # the longest name wins: the Beijing measures are not also read as the national law
    assert named_documents("北京市实施妇女权益保障法办法第二十一条", table) == ["bj"]
    assert named_documents("《妇女权益保障法》第二十一条", table) == ["law"]
    # a law giving a word its sense is not where to look ("…意义上的" may be settled by its regulation)
    assert named_documents("律所算不算妇女权益保障法意义上的用人单位？", table) == []
    assert named_documents("违反妇女权益保障法会被罚多少？", table) == ["law"]
    recs = records(docs)
    assert mentioned_scope("在北京，产假几天？", recs) == ({"bj"}, set())
    assert mentioned_scope("国家规定产假几天？", recs) == (set(), {"law"})


def test_ingest_prints_the_record_read_for_each_document(make_bot, seed_corpus, capsys) -> None:
    from argparse import Namespace

    from assistant.cli import cmd_ingest
    from assistant.documents import record_line

    (seed_corpus / "law.md").write_text("# 中华人民共和国劳动合同法\n\n" + LAW_FRONT + "\n", encoding="utf-8")
    bot = make_bot(seed_corpus)
    assert cmd_ingest(bot, Namespace(path=None)) == 0
    out = capsys.readouterr().out
    law = bot.index.snapshot.records["law"]
    assert "  " + record_line(law) + "\n" in out
    assert record_line(law).startswith("《劳动合同法》 国家/全国，类型 法律，发文机关 全国人民代表大会常务委员会，文号 未写明，"
                                       "通过 2007-06-29，公布 未写明，修订/修正 2012-12-28，施行 2008-01-01，状态 有效，版本 ")
