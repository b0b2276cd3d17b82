"""Mechanisms that must hold on documents nobody tuned for (issue 12), with small
documents made here and the fake embedder:

* a topic on the out-of-scope list is answered once a loaded document covers it under
  any of its synonyms (年假 ← 年休假);
* the not-found reply names the loaded documents and what they treat, from the corpus;
* a question naming a document is answered from it, and 第X条 resolves inside it;
* an entitlement rule takes over a question only when its document is among the best
  matches;
* the same question gives the same citations under any PYTHONHASHSEED;
* editing lexicon.yaml rebuilds the BM25 vocabulary (the manifest records its hash).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from dataclasses import replace

from assistant.index import MANIFEST
from assistant.lexicon import Lexicon

ROOT = Path(__file__).resolve().parent.parent

LEAVE_LAW = """# 职工休假示范条例

2020年1月1日 示范会议通过

## 第一章 总则

第一条 为了维护职工休息休假权利，制定本条例。

第二条 职工连续工作1年以上的，享受带薪年休假。年休假期间享受与正常工作期间相同的工资收入。

## 第二章 年休假

第三条 职工累计工作已满1年不满10年的，年休假5天；已满10年不满20年的，年休假10天。

第四条 用人单位确因工作需要不能安排职工休年休假的，应当按照职工日工资收入的300%支付年休假工资报酬。
"""

TRAINING_RULES = """# 某公司培训管理办法

第一条 为了规范职工培训，制定本办法。

第二条 公司每年组织一次岗位技能培训。

第三条 职工参加外派培训的，公司与其约定服务期。

第四条 本办法自发布之日起施行。
"""


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def test_an_out_of_scope_topic_is_answered_once_a_document_covers_a_synonym(make_bot, seed_corpus) -> None:
    question = "工作满3年，一年有几天年假？"
    bot = make_bot(seed_corpus)
    bot.ingest()
    assert "年假" in bot.segmenter.lexicon.out_of_scope  # the seed does not treat leave
    assert bot.ask(question).status == "not_found"

    _write(seed_corpus, "leave.md", LEAVE_LAW)
    bot = make_bot(seed_corpus)
    bot.ingest()
    answer = bot.ask(question)  # 年假 → 年休假 (shipped vocabulary): the new law covers it
    assert answer.status == "answered"
    assert answer.citations[0].doc_id == "leave" and answer.citations[0].article == "第三条"
    assert "年休假5天" in answer.citations[0].quote


def test_a_workplace_topic_from_the_shipped_vocabulary_is_refused_only_while_no_text_treats_it(
        make_bot, tmp_path) -> None:
    # the corpus has no lexicon of its own: the shipped vocabulary's topics of workplace life apply
    corpus = tmp_path / "rules"
    corpus.mkdir()
    _write(corpus, "leave.md", LEAVE_LAW)
    bot = make_bot(corpus)
    bot.ingest()
    assert "宿舍" in bot.segmenter.lexicon.out_of_scope
    assert bot.ask("公司给不给员工安排宿舍？").status == "not_found"
    _write(corpus, "dorm.md", "# 某公司员工宿舍管理办法\n\n第一条 公司为外地员工提供员工宿舍，每间不超过四人。\n")
    bot = make_bot(corpus, tmp_path / "index2")
    bot.ingest()
    answer = bot.ask("公司给不给员工安排宿舍？")
    assert answer.status == "answered" and answer.citations[0].doc_id == "dorm"


def test_the_not_found_reply_names_the_documents_and_their_chapters(make_bot, seed_corpus) -> None:
    _write(seed_corpus, "leave.md", LEAVE_LAW)
    bot = make_bot(seed_corpus)
    bot.ingest()
    answer = bot.ask("明天北京天气怎么样？")
    assert answer.status == "not_found" and answer.citations == []
    assert "《职工休假示范条例》（年休假）" in answer.answer  # its chapter name (总则 says nothing)
    assert "《技能强企指导意见》（打造产教评技能生态链" in answer.answer  # the seed's own headings


def test_a_question_naming_a_document_is_answered_from_it(make_bot, seed_corpus) -> None:
    _write(seed_corpus, "leave.md", LEAVE_LAW)
    _write(seed_corpus, "training.md", TRAINING_RULES)
    bot = make_bot(seed_corpus)
    bot.ingest()
    assert bot.index.snapshot.aliases["职工休假示范条例"] == ("leave",)
    # the same article number exists in three documents: the name decides
    answer = bot.ask("某公司培训管理办法第三条是怎么规定的？")
    assert (answer.citations[0].doc_id, answer.citations[0].article) == ("training", "第三条")
    answer = bot.ask("职工休假示范条例第三条讲什么？")
    assert (answer.citations[0].doc_id, answer.citations[0].article) == ("leave", "第三条")


def test_a_rule_answers_only_when_its_document_is_among_the_best_matches(make_bot, seed_corpus) -> None:
    from assistant.settings import Thresholds

    question = "我参加了公司外派培训，签的服务期能算吗？"
    assert Thresholds().rule_document_hits == 1  # by default the rule's document must hold the best match
    bot = make_bot(seed_corpus)
    bot.ingest()
    assert bot.ask(question).status == "needs_info"  # the seed's 服务期 rule asks for the facts

    _write(seed_corpus, "training.md", TRAINING_RULES)  # a company rule on 外派培训 and 服务期
    bot = make_bot(seed_corpus)
    bot.ingest()
    answer = bot.ask(question)
    assert answer.status == "answered"  # answered from the text that matches best, not by the seed's rule
    assert (answer.citations[0].doc_id, answer.citations[0].article) == ("training", "第三条")
    # a looser setting lets the rule take over while its document is among the three best
    loose = make_bot(seed_corpus, thresholds=Thresholds(rule_document_hits=3))
    loose.ingest()
    assert loose.ask(question).status == "needs_info"


def test_equal_scores_are_ordered_the_same_under_any_hash_seed(tmp_path, seed_corpus) -> None:
    _write(seed_corpus, "training.md", TRAINING_RULES)
    script = (
        "import json, sys\n"
        "sys.path.insert(0, 'tests')\n"
        "from conftest import FakeEmbedder, settings_for\n"
        "from assistant import embeddings\n"
        "embeddings.EMBEDDERS['fake'] = FakeEmbedder\n"
        "from assistant.core import PolicyAssistant\n"
        f"bot = PolicyAssistant(settings_for({str(seed_corpus)!r}, {str(tmp_path / 'index')!r}), embedder=FakeEmbedder())\n"
        "bot.ingest()\n"
        "out = [[c.clause_id for c in bot.ask(q).citations] for q in ('培训', '公司培训服务期', '第一条')]\n"
        "print(json.dumps(out))\n"
    )
    runs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "ANONYMIZED_TELEMETRY": "False"}
        done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr
        runs.add(done.stdout.strip().splitlines()[-1])
    assert len(runs) == 1, runs


def test_editing_the_lexicon_rebuilds_the_sparse_vocabulary(make_bot, seed_corpus) -> None:
    bot = make_bot(seed_corpus)
    bot.ingest()
    assert not bot.index.bm25.knows("技能强企工作")
    lexicon = seed_corpus / "lexicon.yaml"
    lexicon.write_text(lexicon.read_text(encoding="utf-8").replace("words:\n", "words:\n  - 技能强企工作\n", 1),
                       encoding="utf-8")
    from assistant.core import PolicyAssistant
    from assistant.lexicon import Segmenter
    from conftest import FakeEmbedder, settings_for

    bot = PolicyAssistant(settings_for(seed_corpus, seed_corpus.parent / "index"), embedder=FakeEmbedder(),
                          segmenter=Segmenter(Lexicon.for_corpus(seed_corpus)))
    assert not bot.index.is_current(__import__("assistant.ingest", fromlist=["load_corpus"]).load_corpus(seed_corpus))
    report = bot.ingest()
    assert not report.reused and report.embedded == []  # same clauses: vectors copied, BM25 rebuilt
    assert bot.index.bm25.knows("技能强企工作")
    manifest = json.loads((seed_corpus.parent / "index" / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["inputs"]["lexicon"] == bot.segmenter.lexicon.fingerprint


def test_questions_about_the_document_itself_reach_its_title_front_matter_and_effective_article(make_bot, seed_corpus):
    from assistant.query import analyse

    _write(seed_corpus, "leave.md", LEAVE_LAW + "\n第五条 本条例自2021年1月1日起施行。\n")
    bot = make_bot(seed_corpus)
    bot.ingest()
    issuer = analyse("职工休假示范条例是哪个机关通过的？", bot.segmenter)
    dates = analyse("职工休假示范条例从哪天开始施行？", bot.segmenter)
    rule = analyse("职工休假示范条例规定年休假几天？", bot.segmenter)
    assert (issuer.about_document, dates.about_document, dates.about_dates, rule.about_dates) == (True, False, True, False)
    # a rule question never gets the title or the front matter as its answer
    assert all(c.article not in ("标题", "题注") for c in bot.ask("职工休假示范条例规定年休假几天？").citations)
    answer = bot.ask("职工休假示范条例从哪天开始施行？")
    assert (answer.citations[0].doc_id, answer.citations[0].article) == ("leave", "第五条")
    answer = bot.ask("职工休假示范条例是哪个机关通过的？")
    assert answer.citations[0].article in ("标题", "题注") and answer.citations[0].doc_id == "leave"
    # "生效" is not a word of the text, and the one dense neighbour (of a fake embedder) is not
    # it: the search still finds the article that says when the text takes effect
    bot.retriever.dense_candidates = 1
    hits = bot.retriever.search(analyse("职工休假示范条例什么时候生效？", bot.segmenter)).hits
    assert (hits[0].clause.doc_id, hits[0].clause.article) == ("leave", "第五条")


def test_an_article_the_document_does_not_have_is_refused_by_name(make_bot, seed_corpus) -> None:
    _write(seed_corpus, "leave.md", LEAVE_LAW)
    bot = make_bot(seed_corpus)
    bot.ingest()
    answer = bot.ask("职工休假示范条例第九十条是怎么规定的？")
    assert answer.status == "not_found" and answer.citations == []
    assert answer.answer.startswith("《职工休假示范条例》没有第九十条")


def test_a_topic_is_covered_when_one_clause_holds_all_its_words(make_bot, tmp_path) -> None:
    # laws word things their own way: 解除劳动合同 is treated by "解除劳动或者聘用合同", 劳动仲裁 by
    # "劳动人事争议调解仲裁"; but 失业保险金 (a benefit) is not treated by 失业保险基金 (a fund)
    corpus = tmp_path / "c"
    corpus.mkdir()
    _write(corpus, "rules.md", "# 某省女职工保护办法\n\n第一条 用人单位不得因女职工怀孕解除劳动或者聘用合同。\n\n"
                               "第二条 发生争议的，女职工可以依法申请劳动人事争议调解仲裁。\n\n"
                               "第三条 通过失业保险基金等渠道筹集资金。\n\n"
                               "第四条 社会保险经办机构应当每年向职工寄送本人的社会保险缴费记录。\n")
    _write(corpus, "lexicon.yaml", "out_of_scope_topics: [解除劳动合同, 劳动仲裁, 失业保险金, 住房公积金, 社保缴费]\n")
    bot = make_bot(corpus)
    bot.ingest()
    absent = bot.index.snapshot.absent_topics
    assert {"失业保险金", "住房公积金"} <= set(absent) and not {"解除劳动合同", "劳动仲裁"} & set(absent)
    assert "社保缴费" not in absent  # 社保 stands for 社会保险 (shipped vocabulary): 第四条 holds it with 缴费
    assert bot.ask("我怀孕了，公司能跟我解除劳动合同吗？").status == "answered"
    assert bot.ask("失业保险金怎么领？").status == "not_found"


def test_a_turn_naming_nothing_or_following_the_askers_account_leans_on_the_conversation(segmenter) -> None:
    from assistant.query import analyse, is_follow_up, is_statement

    def follows(text: str) -> bool:
        return is_follow_up(analyse(text, segmenter), segmenter.nouns)

    # no noun, nothing of its own: it asks about what was said before
    assert follows("要在多少天之内提出来？") and follows("最多能请几个？")
    # a question naming its topic (a noun or a term of the vocabulary) stands alone
    assert not follows("试用期最长多久？") and not follows("辞职要提前多久？") and not follows("年假有几天？")
    assert is_statement("我们公司想申请认定为产教融合型企业。") and not is_statement("产教融合型企业有什么支持？")


def test_the_question_after_the_askers_account_is_read_with_it(fake_bot) -> None:
    answer = fake_bot.chat(["我们公司想开展新型学徒培养。", "能拿到哪些补贴？"])
    assert answer.follow_up is True
    assert fake_bot.chat(["新型学徒的补贴从什么时候开始给？", "高技能人才可以直接落户吗？"]).follow_up is False


def test_a_fragment_jieba_guessed_weighs_less_than_a_word_the_corpus_lacks(fake_bot) -> None:
    from assistant.query import analyse

    # 我能 is no word, only characters jieba's HMM glued; 生日 is a word the seed never uses
    retrieval = fake_bot.retriever.search(analyse("我能在生日那天请假吗？", fake_bot.segmenter))
    weights = {forms[0]: weight for weight, forms in retrieval.weights}
    share = fake_bot.settings.thresholds.fragment_share
    assert not fake_bot.segmenter.is_word("我能") and fake_bot.segmenter.is_word("生日")
    assert weights["我能"] == pytest.approx(weights["生日"] * share)


@pytest.mark.parametrize(("term", "figure", "asking"), [
    ("八年", True, False), ("三个月", True, False), ("十五日", True, False), ("两倍", True, False),
    ("几天", False, True), ("哪天", False, True), ("多少钱", False, True),  # question words jieba kept whole
    ("年假", False, False), ("一线", False, False), ("统一", False, False), ("2018年", False, False),
])
def test_figures_and_question_words_are_told_from_words(term: str, figure: bool, asking: bool) -> None:
    from assistant.query import is_figure, is_question_word

    assert (is_figure(term), is_question_word(term)) == (figure, asking)


def test_coverage_weighs_words_and_the_figures_a_text_states(fake_bot) -> None:
    from assistant.query import analyse

    # "八年" stands in no text and "几天" in none ever: they weigh nothing; 工作 and 年假 count
    retrieval = fake_bot.retriever.search(analyse("工作满八年了，一年有几天年假？", fake_bot.segmenter))
    terms = [forms[0] for _, forms in retrieval.weights]
    assert "工作" in terms and "年假" in terms
    assert not {"八年", "几天"} & set(terms)
    assert fake_bot.index.snapshot.bm25.knows("一年") == ("一年" in terms)  # a figure a text states may be the topic
    # a question word the lexicon reads as a term of law counts (找哪里 → 管辖)
    asked = fake_bot.retriever.search(analyse("欠薪的事该找哪里投诉？", fake_bot.segmenter))
    assert "找哪里" in [forms[0] for _, forms in asked.weights]


def test_an_untreated_word_beside_a_treated_question_does_not_refuse_it(make_bot, tmp_path) -> None:
    # no text says 裁员; the question asks what 第一条 sets out, and 裁员 is only how the asker lost the job
    corpus = tmp_path / "c"
    corpus.mkdir()
    _write(corpus, "rules.md", "# 某省失业保险办法\n\n第一条 失业人员领取失业保险金，应当符合下列条件：失业前用人单位和本人已经缴纳"
                               "失业保险费满一年；非因本人意愿中断就业；已经进行失业登记。\n\n第二条 本办法自公布之日起施行。\n")
    _write(corpus, "lexicon.yaml", "out_of_scope_topics: [裁员, 住房公积金]\n")
    bot = make_bot(corpus)
    bot.ingest()
    assert "裁员" in bot.index.snapshot.absent_topics
    answered = bot.ask("公司裁员了，我领失业金要满足什么条件？")
    assert answered.status == "answered" and answered.citations[0].article == "第一条"
    assert bot.ask("公司裁员要提前多久通知？").status == "not_found"  # 裁员 is what it asks about


@pytest.mark.parametrize(("noun", "text", "listed"), [
    ("行为", "协商双方不得有下列行为：", True),
    ("工种", "公司开展职业技能等级认定的职业（工种）为：电工、焊工。", True),
    ("事项", "本条例所称工资集体协商，是指双方就工资集体协议有关事项进行平等协商的行为。", False),
    ("人", "下列人员：", False),  # one character: read by the reader, not here
    # an abstract head asked (哪些内容) is announced by any of them (下列事项, 以下情形), not by a list of things
    ("内容", "企业应当公开下列事项：", True),
    ("情形", "有以下情况之一的，不得解除劳动合同：", True),
    ("内容", "协商双方不得有下列行为：", False),
])
def test_a_clause_listing_what_a_which_ones_question_asks(noun: str, text: str, listed: bool) -> None:
    from assistant.query import lists

    assert lists(noun, text) is listed


def test_a_which_ones_question_reaches_the_article_announcing_the_list(make_bot, tmp_path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    _write(corpus, "rules.md", "# 某市工资协商办法\n\n第一条 本办法所称工资协商，是指职工方与企业方依法就工资协议有关事项进行平等协商，"
                               "在协商一致的基础上签订工资协议的行为。\n\n"
                               "第二条 双方可以就下列事项进行：\n（一）分配制度；\n（二）标准；\n（三）支付办法。\n")
    bot = make_bot(corpus)
    bot.ingest()
    answer = bot.ask("工资协商可以就哪些事项进行协商？")
    assert answer.citations[0].article == "第二条"


@pytest.mark.parametrize(("question", "reaches"), [
    ("要满足哪些条件才能领失业金？", "符合"),  # 满足…条件 is worded 符合/具备…条件 in law
    ("没休的年假怎么给钱？", "支付"),
    ("以前的工龄还接着算吗？", "合并"),  # 合并计算
    ("年假能留到明年再休吗？", "跨年度"),
    ("立案以后调查多长时间才能搞完？", "完成"),
    ("正在领失业金，什么情况下会被停掉？", "待遇"),  # 失业保险待遇
])
def test_everyday_words_reach_the_words_laws_use(segmenter, question: str, reaches: str) -> None:
    from assistant.query import analyse

    query = analyse(question, segmenter)
    assert reaches in query.expanded
    assert "才能" not in query.terms  # a function word, not a topic


def test_a_turn_naming_no_topic_is_searched_with_the_question_it_leans_on(fake_bot) -> None:
    # "需要满足什么条件？" names nothing of its own: 满足/条件 (符合…条件) must not take it to another article
    first = fake_bot.chat(["新型学徒的补贴从什么时候开始给？"])
    answer = fake_bot.chat(["新型学徒的补贴从什么时候开始给？", "需要满足什么条件？"])
    assert answer.citations[0].article == first.citations[0].article == "四"


def test_a_field_term_no_text_treats_needs_an_article_that_holds_the_question(make_bot, tmp_path) -> None:
    # a union law speaks of 劳动合同期限, never of 无固定期限劳动合同: a question about the latter
    # shares only its parts with 第一条, and is refused; 经济性裁员 is treated by a text saying 裁减人员
    # (both stand for 裁员 in the shipped vocabulary)
    corpus = tmp_path / "c"
    corpus.mkdir()
    _write(corpus, "union.md", "# 某市工会工作条例\n\n第一条 工会专职主席自任职之日起，其劳动合同期限自动延长，延长期限相当于其任职期间。\n\n"
                               "第二条 用人单位裁减人员，应当提前三十日向工会说明情况，听取工会的意见。\n")
    bot = make_bot(corpus)
    bot.ingest()
    from assistant.query import analyse

    asked = bot.retriever.search(analyse("在公司连续干满十年了，我能要求签无固定期限劳动合同吗？", bot.segmenter))
    assert asked.untreated == ("无固定期限劳动合同",)
    assert asked.hits[0].coverage < bot.settings.thresholds.strong_coverage
    assert bot.ask("在公司连续干满十年了，我能要求签无固定期限劳动合同吗？").status == "not_found"
    # however close the embedding finds 第一条, only an article holding the question would answer it
    close = replace(asked, hits=[replace(h, dense=0.99) for h in asked.hits])
    assert not bot.writer.in_scope(close) and bot.writer.in_scope(replace(close, untreated=()))
    layoff = bot.retriever.search(analyse("公司搞经济性裁员，要提前多久跟工会说？", bot.segmenter))
    assert layoff.untreated == ()
    answer = bot.ask("公司搞经济性裁员，要提前多久跟工会说？")
    assert answer.status == "answered" and answer.citations[0].article == "第二条"


def test_a_topic_the_texts_say_in_their_own_words_is_answered_when_an_article_reads_close(corpus_bot) -> None:
    # 辞职 is marked out of scope and this text never says it nor 解除劳动合同: it says 解除聘用合同.
    # An article holding half the question and reading very close to it treats it in its own words.
    bot = corpus_bot({"staff.md": "# 示范事业单位人事条例\n\n第一条 事业单位工作人员提前30日书面通知事业单位，可以解除聘用合同。\n\n"
                                  "第二条 事业单位应当建立工作人员培训制度。\n"})
    from assistant.query import analyse

    question = "在事业单位想辞职，要提前多少天通知？"
    snap = bot.index.snapshot
    assert snap.off_topic(question) == ["辞职"]
    asked = bot.retriever.search(analyse(question, bot.segmenter))
    t = bot.settings.thresholds
    assert asked.hits[0].clause.article == "第一条" and asked.hits[0].coverage >= t.own_words_coverage
    close = replace(asked, hits=[replace(h, dense=t.own_words_dense) for h in asked.hits])
    loose = replace(asked, hits=[replace(h, dense=t.own_words_dense - 0.05) for h in asked.hits])
    assert bot.writer.in_scope(close, ["辞职"]) and not bot.writer.in_scope(loose, ["辞职"])
    # holding less of the question, however close it reads, it stays refused
    thin = replace(close, hits=[replace(h, coverage=t.own_words_coverage - 0.01) for h in close.hits])
    assert not bot.writer.in_scope(thin, ["辞职"])


def test_one_practice_under_its_three_names_is_found_by_any(segmenter) -> None:
    # 顶岗实习 (the older name), 岗位实习 and 职业教育法's 上岗实习 are one practice
    expanded = segmenter.expand(segmenter.terms("顶岗实习企业要给报酬吗"))
    assert "上岗实习" in expanded and "岗位实习" in expanded
    assert "顶岗实习" in segmenter.expand(segmenter.terms("上岗实习有报酬吗"))


def test_an_a_not_a_question_form_asks_of_its_a(segmenter) -> None:
    # 会不会 / 能不能 / 扣不扣 ask yes or no of their verb: no 不会, 不能 or 可不 is taken for a word asked about
    assert segmenter.terms("休年假那几天工资会不会少发？") == ["休", "年假", "几天", "工资", "少发"]
    assert segmenter.terms("公司扣不扣我工资？") == ["公司", "扣", "工资"]
    assert "不能" not in segmenter.terms("年假能不能拆开休？")
    assert segmenter.terms("签没签合同") == ["签", "合同"]
    # a negation that is part of what is asked stays
    assert "不能" in segmenter.terms("怀孕的女职工不能安排什么工作？")


def test_leave_taken_in_parts_is_the_texts_segmented_leave(segmenter) -> None:
    # 分开休 / 拆开休 / 分几次休: the laws say 分段安排
    for question in ("年假能不能分开休？", "年假可以拆开休吗", "年假能分几次休", "年假能分成几段休？"):
        assert "分段" in segmenter.expand(segmenter.terms(question)), question


def test_where_money_comes_from_is_the_texts_source_or_who_bears_it(segmenter) -> None:
    assert "来源" in segmenter.expand(segmenter.terms("工会平时花的钱都是从哪来的？"))
    assert {"承担", "负担"} <= set(segmenter.expand(segmenter.terms("培训费用谁出钱？")))


def test_everyday_words_for_relatives_agreement_and_deadlines_reach_the_texts_terms(segmenter) -> None:
    def expanded(question: str) -> set[str]:
        return set(segmenter.expand(segmenter.terms(question)))

    assert "近亲属" in expanded("老板的亲戚能当工会主席吗？")
    assert "协商一致" in expanded("工资的事跟老板谈成了以后要签什么？")
    assert "最迟" in expanded("最晚什么时候要交？")
    assert "担任" in expanded("首席代表由谁来当？")
