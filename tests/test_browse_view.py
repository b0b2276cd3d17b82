"""Issue 15 item 5 without a browser: the policy browser's document record (no internal
file name), the whole-document view and the search within the corpus."""
from __future__ import annotations

import re

import pytest

from assistant import browseview
from assistant.documents import DocumentRecord

SEED = "jineng-qiangqi-zhidao-yijian"


@pytest.fixture(scope="module")
def snap(shared_fake_bot):
    return shared_fake_bot.index.snapshot


def test_record_shows_known_fields_and_never_the_file_name(snap):
    html = browseview.record_html(snap.records[SEED], snap.documents[SEED])
    rows = browseview.record_rows(snap.records[SEED])
    assert rows[:3] == [("标题", "人力资源社会保障部等8部门关于推动技能强企工作的指导意见"),
                        ("发文机关", "人力资源社会保障部等8部门"), ("类别", "规范性文件")]
    assert ("层级 / 地区", "国家 / 全国") in rows and rows[-1] == ("效力状态", "有效")
    assert ".txt" not in html and "jineng" not in html and "文号" not in html  # the text states no 文号


def test_record_of_a_repealed_local_text_names_number_dates_and_status():
    record = DocumentRecord("x", "宁波市职工培训条例", "培训条例", kind="地方性法规", level="市", region="宁波市",
                            number="甬人大〔2020〕3号", effective="2020-06-01", status="已废止")
    assert browseview.record_rows(record) == [
        ("标题", "宁波市职工培训条例"), ("文号", "甬人大〔2020〕3号"), ("类别", "地方性法规"), ("层级 / 地区", "市 / 宁波市"),
        ("施行日期", "2020-06-01"), ("效力状态", "已废止")]
    assert "border-left:4px solid #b91c1c" in browseview.record_html(record)  # not in force: marked
    escaped = browseview.record_html(DocumentRecord("x", "<b>标题</b>", "t"))
    assert "<b>" not in escaped and "&lt;b&gt;" in escaped


def test_whole_document_lists_every_article_in_order_with_the_current_one_marked(snap):
    html = browseview.document_html(snap, SEED, current="九")
    labels = re.findall(r"<h4[^>]*>(.*?)</h4>", html)
    assert len(labels) == len({a for (d, a) in snap.articles if d == SEED})
    assert labels[:4] == ["标题", "题注", "开头部分", "第一条 打造产教评技能生态链"]
    assert html.count("current-article") == 1
    current = re.search(r'<section class="whole-article current-article" id="article-九".*?</section>', html).group(0)
    assert "强化技能强企资金保障" in current and "60%" in current


def test_search_finds_articles_holding_every_word_and_opens_them(snap):
    hits, total = browseview.search(snap, "职工教育经费 60%")
    assert total == 1 and [(h.doc_id, h.article) for h in hits] == [(SEED, "九")]
    html = browseview.search_html(hits, total, "职工教育经费 60%")
    assert f'<span class="open-target" style="display:none">{SEED}::九</span>' in html
    assert "<mark>职工教育经费</mark>" in html and "（共 1 条）" in html
    many, count = browseview.search(snap, "技能", limit=3)
    assert len(many) == 3 and count > 3 and "显示前 3 条" in browseview.search_html(many, count, "技能")
    assert browseview.search(snap, "   ") == ([], 0)
    none = browseview.search_html([], 0, "<script>")
    assert "没有找到含“&lt;script&gt;”的条文" in none
