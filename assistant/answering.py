"""The extractive answer writer (no LLM): a direct first sentence, then the basis as
verbatim quotes with numbered citations. It also decides the status:

- ``not_found``: nothing in the corpus covers the question (cite nothing);
- ``not_specified``: the topic is covered but the asked-for figure is not set, or the
  user asserts a figure the text does not contain;
- ``answered`` otherwise. (``needs_info`` comes from the eligibility checker.)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import conflicts
from .models import ANSWERED, NOT_FOUND, NOT_SPECIFIED, Answer, Citation, Clause, Hit, SourceDocument
from .figures import states
from .query import Query, quote_gives
from .retrieval import Retrieval
from .settings import Thresholds
from .structure import CLOSING, FRONT, PREAMBLE, TITLE

if TYPE_CHECKING:
    from .documents import DocumentRecord
    from .index import Snapshot

ASK_NAMES = {
    "amount": "具体金额或补贴标准",
    "ratio": "具体比例",
    "difference": "具体差额或倍数",
    "duration": "具体期限",
    "count": "具体数量",
    "standard": "具体标准或数值",
    "figure": "具体数字",
    "catalogue": "具体名单或目录内容",
}
LOCAL_RULES = "具体执行以当地人力资源社会保障等部门的实施细则和企业的规定为准。"
# Where the answer to each kind of question stands in a sentence (issue 13): the sentence
# holding the slot leads, and the direct answer never cuts through it.
SLOTS = {
    "when": re.compile(r"自[^，。；]{1,40}(之日)?起|从[^，。；]{1,20}(开始|起)|[^，。；]{1,20}(之前|以前|以后|之后|期间|期满|届满|以内|之内)"
                       r"|\d{4}年\d{1,2}月\d{1,2}日|[一二三四五六七八九十百\d]+[日天个月年]内|(起|开始)施行|及时|随时"),
    "who": re.compile(r"由[^，。；]{1,40}(负责|承担|组织|支付|提供|审批|确认|处理|订立|认定|制定|实施|发放)"
                      r"|[^，。；]{2,20}(部门|机构|工会|人民法院|委员会|用人单位|劳动者|企业|单位|政府)(应当|负责|可以|有权|要)"),
    "conditions": re.compile(r"对[^，。；]{2,80}的|符合[^，。；]{1,30}条件|有下列情形之一|具备[^，。；]{1,30}条件|满[^，。；]{1,12}(年|个月)"
                             r"|以上的|以下的|下列条件|之一的"),
    "list": re.compile(r"下列|包括|[^、，。；]{1,20}、[^、，。；]{1,20}、|：$"),
    "definition": re.compile(r"是指|所称|指的是"),
    "how": re.compile(r"应当|可以|按照|通过|申请|依照|依法"),
    "yesno": re.compile(r"不得|可以|应当|有权|禁止|不能|无权|必须|不予"),
}
MAX_ITEMS = 8  # enumerated items (（一）…) a direct answer lists after its lead sentence
_SEGMENT = re.compile(r"[^，,：:]+[，,：:]?")
SECOND_ARTICLE_SHARE = 0.85  # another article's clause is cited too if it scores this close to the best


def article_name(clause: Clause) -> str:
    """How an answer names an article: 第九条 for 九, 第三条 as is, 前言/结语 as parts."""
    label = clause.article
    if label in (PREAMBLE, CLOSING, TITLE, FRONT) or label.startswith("第"):
        return {PREAMBLE: "开头部分", CLOSING: "结尾部分"}.get(label, label)
    return f"第{label}条"


@dataclass
class AnswerWriter:
    thresholds: Thresholds
    max_quotes: int = 3

    # ---- decisions ------------------------------------------------------------------------
    def in_scope(self, retrieval: Retrieval, off_topic: list[str] | None = None) -> bool:
        top = retrieval.top
        if top is None or not retrieval.query.terms or off_topic:
            return False
        ref = retrieval.query.article_ref
        if ref and top.clause.article in (ref, f"第{ref}条"):
            return True  # "第九条讲了什么？": the user named an article that exists
        if top.clause.doc_id in retrieval.named and (retrieval.query.about_document or retrieval.query.about_dates):
            return True  # a question about a loaded document itself (its issuer, its dates)
        best_cov = max(h.coverage for h in retrieval.hits)
        best_dense = max(h.dense for h in retrieval.hits)
        t = self.thresholds
        if best_cov >= t.strong_coverage:
            return True
        return best_cov >= t.min_coverage and best_dense >= t.min_dense

    def select(self, retrieval: Retrieval) -> list[Hit]:
        """The quotes to cite, most relevant first: the best article's strongest sentences,
        plus another article's best sentence when it scores nearly as high."""
        hits = retrieval.hits
        top = hits[0]

        def article(hit: Hit) -> tuple[str, str]:
            return hit.clause.doc_id, hit.clause.article

        same = [h for h in hits if article(h) == article(top) and not _is_heading(h.clause)] or [top]
        # within the article, the sentence that holds most of the question's own words leads
        own = [t for t in retrieval.query.terms if len(t) >= 2]
        same.sort(key=lambda h: -sum(len(t) for t in own if t in h.clause.text))  # stable: ties keep score order
        other = next((h for h in hits if article(h) != article(top)), None)
        if (other is not None and other.score >= SECOND_ARTICLE_SHARE * top.score and not _is_heading(other.clause)
                and other.coverage >= self.thresholds.strong_coverage):
            return same[: self.max_quotes - 1] + [other]
        return same[: self.max_quotes]

    # ---- writing --------------------------------------------------------------------------
    def write(self, retrieval: Retrieval, corpus: "Snapshot") -> Answer:
        """The answer for ``retrieval`` from the index generation ``corpus`` (its documents,
        their records and articles). Before saying the text does not set the figure asked
        for, every clause of the cited articles is read, and one that states it is quoted."""
        query = retrieval.query
        documents, records = corpus.documents, corpus.records
        ref = query.article_ref
        if ref and not corpus.article_positions(ref, retrieval.named):
            return self.no_such_article(ref, retrieval.named, documents)
        if not self.in_scope(retrieval, corpus.off_topic(query.text)):
            return self.not_found(query, documents, corpus.outline)
        chosen = self.select(retrieval)
        if query.asks and not any(quote_gives(query.asks, h.clause.text, query) for h in chosen):
            stating = self._stating(retrieval, chosen, corpus.article_clauses)
            if stating is not None:
                chosen = [stating, *[h for h in chosen if h.clause.clause_id != stating.clause.clause_id]][: self.max_quotes]
        chosen = self._slot_first(query, chosen, corpus.article_clauses)
        citations = [_citation(h.clause, records.get(h.clause.doc_id)) for h in chosen]
        quotes = " ".join(c.quote for c in citations)
        lead = chosen[0].clause
        items = _items(lead, corpus.article_clauses) if query.kind in ("list", "conditions", None) else []
        where = document_label(lead.doc_id, documents, records) + article_name(lead)
        heading = f"（{lead.heading}）" if lead.heading else ""
        basis = "\n".join(f"[{n}] {document_label(h.clause.doc_id, documents, records)}{article_name(h.clause)}：“{c.quote}”"
                          for n, (h, c) in enumerate(zip(chosen, citations), 1))
        unsupported = [f for f in query.asserted if _normal_figure(f) not in _normal_figure(quotes)]
        if unsupported:
            first = (f"文件中没有您提到的数字，请不要以此为准。{where}{heading}的相关规定是："
                     f"{_key_span(lead.text, query)}[1]")
            return Answer(NOT_SPECIFIED, _compose(first, basis, LOCAL_RULES), citations,
                          details={"unsupported_figures": unsupported})
        if (query.asks and not any(quote_gives(query.asks, c.quote, query) for c in citations)
                and chosen[0].coverage >= self.thresholds.strong_coverage):
            # "文件没有规定……" is a claim about the text: made only when the article found
            # clearly treats what was asked and none of the cited articles states the figure
            wanted = ASK_NAMES[query.asks]
            first = f"文件没有规定{wanted}。{where}{heading}只写明：{_key_span(lead.text, query)}[1]"
            return Answer(NOT_SPECIFIED, _compose(first, basis, LOCAL_RULES), citations, details={"asks": query.asks})
        if items:  # the enumerated items the lead sentence announces: cited, each with its marker
            items = [c for c in items if c.clause_id not in {x.clause_id for x in citations}]
            start = len(citations) + 1
            citations = citations + [_citation(c, records.get(c.doc_id)) for c in items]
            listed = "".join(f"{c.text}[{n}]" for n, c in enumerate(items, start))
            basis = basis + "".join(f"\n[{n}] {document_label(c.doc_id, documents, records)}{article_name(c)}{c.item}（见上）"
                                    for n, c in enumerate(items, start))
        else:
            listed = ""
        first = f"根据{where}{heading}：{_key_span(lead.text, query)}[1]" + listed
        # another loaded text of another scope states a different figure: shown too, with where each applies
        first, basis, citations = conflicts.widen(retrieval, chosen, corpus, first, basis, citations)
        return Answer(ANSWERED, _compose(first, basis), citations)

    def _slot_first(self, query: Query, chosen: list[Hit], articles) -> list[Hit]:
        """The cited hits with, first, the sentence of the main article that holds the slot
        the question asks for (when / who / conditions / list …) and most of its words."""
        pattern = SLOTS.get(query.kind or "")
        if pattern is None or pattern.search(chosen[0].clause.text):
            return chosen
        top = chosen[0]
        own = [t for t in query.terms if len(t) >= 2]
        candidates = [c for c in articles(top.clause.doc_id, top.clause.article) if pattern.search(c.text)]
        if not candidates:
            return chosen
        best = max(candidates, key=lambda c: (sum(len(t) for t in own if t in c.text), -c.order))
        if own and not any(t in best.text for t in own) and any(t in top.clause.text for t in own):
            return chosen  # the slot sentence says nothing of what was asked: keep the best match
        lead = Hit(best, top.score, dense=top.dense, sparse=top.sparse, coverage=top.coverage)
        return [lead, *[h for h in chosen if h.clause.clause_id != best.clause_id]][: self.max_quotes]

    def _stating(self, retrieval: Retrieval, chosen: list[Hit], articles) -> Hit | None:
        """``articles(doc_id, article)`` gives an article's clauses."""
        """A clause of the cited articles (the main one first) that states a figure of the
        kind the question asks for, as a hit; None when none does. Other articles are not
        searched: a figure found there would answer a question nobody asked."""
        query = retrieval.query
        places = list(dict.fromkeys((h.clause.doc_id, h.clause.article) for h in chosen))
        for doc_id, article in places:
            for clause in articles(doc_id, article):
                if quote_gives(query.asks, clause.text, query):
                    top = chosen[0]
                    return Hit(clause, top.score, dense=top.dense, sparse=top.sparse, coverage=top.coverage)
        return None

    def no_such_article(self, ref: str, named: tuple[str, ...], documents: dict[str, SourceDocument]) -> Answer:
        """The question names an article (of a document) that does not exist: say so."""
        where = "、".join(f"《{_short_title(documents, d)}》" for d in named) or "知识库中的文件"
        return Answer(NOT_FOUND, f"{where}没有第{ref}条，因此不作回答。请核对条文序号，或直接描述您要问的事项。", [],
                      details={"missing_article": ref})

    def not_found(self, query: Query, documents: dict[str, SourceDocument],
                  outline: dict[str, tuple[str, ...]] | None = None) -> Answer:
        """No basis in the corpus: say so, cite nothing, and say what the knowledge base
        holds (each document and, in its own words, what it treats)."""
        outline = outline or {}
        shown = sorted(documents)[: self.thresholds.listed_documents]
        parts = []
        for doc_id in shown:
            topics = outline.get(doc_id, ())[: self.thresholds.listed_topics]
            parts.append(f"《{_short_title(documents, doc_id)}》" + (f"（{'、'.join(topics)}）" if topics else ""))
        more = "等文件" if len(documents) > len(shown) else ""  # no count: every figure in a reply is a cited one
        text = ("抱歉，知识库中没有找到能回答这个问题的规定，因此不作回答。"
                f"\n\n本知识库收录的是：{'；'.join(parts) or '（空）'}{more}。其他问题请咨询人事部门或当地主管部门。")
        return Answer(NOT_FOUND, text, [])


def _compose(first: str, basis: str, tail: str = "") -> str:
    parts = [first, "依据：\n" + basis]
    if tail:
        parts.append(tail)
    return "\n\n".join(parts)


def _is_heading(clause: Clause) -> bool:
    return bool(clause.heading) and clause.text.rstrip("。") == clause.heading


def _citation(clause: Clause, record: "DocumentRecord | None" = None) -> Citation:
    if record is None:
        return Citation(clause.doc_id, clause.doc_title, clause.article, clause.heading, clause.clause_id, clause.text)
    return Citation(clause.doc_id, clause.doc_title, clause.article, clause.heading, clause.clause_id, clause.text,
                    doc_version=record.version, doc_status=record.status, doc_level=record.level,
                    doc_region=record.scope)


def document_label(doc_id: str, documents: dict[str, SourceDocument], records: dict | None = None) -> str:
    """How an answer names a document: 《短名》, with its status when it is not in force
    ("《妇女权益保障法》（已被新版《妇女权益保障法》替代）")."""
    record = (records or {}).get(doc_id)
    label = f"《{_short_title(documents, doc_id)}》"
    if record is not None and not record.in_force:
        label += f"（{record.status}）"
    return label


def _short_title(documents: dict[str, SourceDocument], doc_id: str) -> str:
    doc = documents.get(doc_id)
    if doc is None:
        return doc_id
    return doc.metadata.get("short_title") or doc.title


def _normal_figure(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("％", "%")


def _key_span(sentence: str, query: Query, max_chars: int = 150) -> str:
    """The part of a sentence that answers the question, verbatim and contiguous: the whole
    sentence when it is short; else the run of comma-separated segments that holds the
    answer slot (the figure asked for, or the kind's slot: a time, an actor, a condition)
    and most of the question's words. Never cut through the slot."""
    if len(sentence) <= max_chars:
        return sentence
    segments = _SEGMENT.findall(sentence)
    terms = set(query.expanded)
    slot = SLOTS.get(query.kind or "")

    def holds_slot(span: str) -> bool:
        if query.asks:
            return states(query.asks, span, bound_counts=False)
        return bool(slot and slot.search(span))

    wanted = any(holds_slot(seg) for seg in segments)
    best, best_score = (0, len(segments)), -1.0
    for i in range(len(segments)):
        for j in range(i + 1, min(len(segments), i + 4) + 1):
            span = "".join(segments[i:j])
            if len(span) > max_chars:
                break
            score = sum(len(t) for t in terms if t in span) - 0.01 * len(span)
            if wanted and holds_slot(span):
                score += 100  # the answer itself first, then the question's words
            if score > best_score:
                best, best_score = (i, j), score
    span = "".join(segments[best[0] : best[1]]).rstrip("，,：:")
    if best[1] < len(segments):
        return span + "……"
    return span


def _items(lead: Clause, articles) -> list[Clause]:
    """The enumerated items ((一)…, 1.…) that follow a sentence announcing them ("有下列情形之一的…：")."""
    if not lead.text.endswith(("：", ":")) and "下列" not in lead.text:
        return []
    following = [c for c in articles(lead.doc_id, lead.article) if c.order > lead.order]
    items = []
    for clause in following:
        if not clause.item:
            break
        items.append(clause)
    return items[:MAX_ITEMS]
