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
from .direct import QUOTES_SILENT, VERDICT_YES, ask_name, item_verdict, verdict
from .documents import base_title, compares_versions, mentioned_scope, named_documents
from .figures import SPECIFIC_KINDS, holds_bound, in_band, leaves_open, names_measure
from .query import Query, asked_part, parts, quote_gives
from .reader import Reading, adds, announcer, another_case, as_read, continuation, holds_slot, is_heading, items_of, part_answers, read, sentence_of, tier_text
from .retrieval import Retrieval
from .settings import Thresholds
from .structure import CLOSING, FRONT, PREAMBLE, TITLE

if TYPE_CHECKING:
    from .documents import DocumentRecord
    from .index import Snapshot

LOCAL_RULES = "具体执行以当地人力资源社会保障等部门的实施细则和企业的规定为准。"
MAX_ITEMS = 12  # enumerated items (（一）…) a direct answer lists after its lead sentence
_SEGMENT = re.compile(r"[^，,：:]+[，,：:]?")
SECOND_ARTICLE_SHARE = 0.85  # another article's clause is cited too if it scores this close to the best


def article_name(clause: Clause) -> str:
    """How an answer names an article: 第九条 for 九, 第三条 and 附录一 as they are, 前言/结语 as parts."""
    label = clause.article
    if label in (PREAMBLE, CLOSING, TITLE, FRONT) or label.startswith(("第", "附")):
        return {PREAMBLE: "开头部分", CLOSING: "结尾部分"}.get(label, label)
    return f"第{label}条"


@dataclass
class AnswerWriter:
    thresholds: Thresholds
    max_quotes: int = 3

    # ---- decisions ------------------------------------------------------------------------
    def in_scope(self, retrieval: Retrieval, off_topic: list[str] | None = None) -> bool:
        top = retrieval.top
        if top is None or not retrieval.query.terms:
            return False
        t = self.thresholds
        best_cov = max(h.coverage for h in retrieval.hits)
        best_dense = max(h.dense for h in retrieval.hits)
        if off_topic:
            # a topic no loaded text treats (社保 in a skills policy): refused, unless it is a minor
            # part of the question and an article holds nearly all the rest ("纳入城市直接落户范围的
            # 高技能人才需要缴满几年社保？"), which is then answered from it, or said not to set it
            total = sum(w for w, _ in retrieval.weights) or 1.0
            untreated = sum(w for w, forms in retrieval.weights
                            if any(forms[0] in topic or topic in forms[0] for topic in off_topic)) / total
            # how fully an article holds the rest of the question (the untreated words no text holds)
            rest = best_cov / max(1.0 - untreated, 1e-9)
            if untreated <= t.off_topic_share and rest >= t.off_topic_coverage:
                return True
            # … or a loaded text treats it in its own words: an article holds much of the question
            # and reads very close to it ("辞职" ← 事业单位条例 "提前30日书面通知事业单位，可以解除聘用合同")
            return best_cov >= t.own_words_coverage and best_dense >= t.own_words_dense
        ref = retrieval.query.article_ref
        if ref and top.clause.article in (ref, f"第{ref}条"):
            return True  # "第九条讲了什么？": the user named an article that exists
        if top.clause.doc_id in retrieval.named and (retrieval.query.about_document or retrieval.query.about_dates):
            return True  # a question about a loaded document itself (its issuer, its dates)
        if best_cov >= t.strong_coverage:
            return True
        if retrieval.untreated:
            return False  # it names a field term no loaded text treats (无固定期限劳动合同 beside the 工会法)
        return best_cov >= t.min_coverage and best_dense >= t.min_dense

    def select(self, retrieval: Retrieval, articles) -> tuple[list[Hit], list[Reading]]:
        """The quotes to cite, most relevant first, and the reading of the best article.

        Every sentence of the article that answers (:meth:`_best_read`: the best hit's, or another
        retrieved one that reads better) is read (:func:`assistant.reader.read`): the one
        that holds what was asked leads, then its next best sentences; another article's
        best sentence is cited too when it scores nearly as high. ``articles(doc_id,
        article)`` gives an article's clauses."""
        def article(hit: Hit) -> tuple[str, str]:
            return hit.clause.doc_id, hit.clause.article

        top, readings = self._best_read(retrieval, articles)
        hits = [top, *[h for h in retrieval.hits if h is not top]]
        by_id = {h.clause.clause_id: h for h in hits}
        same = [by_id.get(r.clause.clause_id) or _as_hit(r.clause, top) for r in readings] or [top]
        other = next((h for h in hits if article(h) != article(top)), None)
        # … of another text, when it holds nearly as much of the question as the best (not only its
        # common words: 职工连续工作满 of a company's training rule beside the leave law asked about)
        floor = self.thresholds.strong_coverage
        if other is not None and other.clause.doc_id != top.clause.doc_id:
            floor = max(floor, SECOND_ARTICLE_SHARE * top.coverage)
        if (other is not None and other.score >= SECOND_ARTICLE_SHARE * top.score and not is_heading(other.clause)
                and other.coverage >= floor):
            return same[: self.max_quotes - 1] + [other], readings
        return same[: self.max_quotes], readings

    def _best_read(self, retrieval: Retrieval, articles) -> tuple[Hit, list[Reading]]:
        """The hit whose article answers, with that article's reading (:func:`read`): the best
        hit, unless another retrieved article (of the ``reread_articles`` best, scoring
        ``reread_score_share`` of it) reads better — its best sentence holds the slot the
        question asks for (a time, an actor, a figure of the asked kind), at least as much of the
        question, and scores ``reread_margin`` more ("未休年休假工资报酬所称的月工资是指什么" →
        the leave rules' "前款所称月工资是指…", beside the labour contract law's "本条所称月工资
        是指…" on severance). Not when the question names an article or follows up a
        conversation's article."""
        hits, t = retrieval.hits, self.thresholds

        def reading(hit: Hit) -> list[Reading]:
            return read(retrieval.query, retrieval.weights, articles(hit.clause.doc_id, hit.clause.article), hits,
                        t.reading)

        top = hits[0]
        lead = reading(top)
        if retrieval.query.article_ref or retrieval.prefer:
            return top, lead
        candidates: dict[tuple[str, str], Hit] = {}  # article → its best hit
        for h in hits:
            if h.score >= t.reread_score_share * top.score and len(candidates) < t.reread_articles:
                candidates.setdefault((h.clause.doc_id, h.clause.article), h)
        lead_share = max((r.share for r in lead), default=0.0)
        # an enumerated item read out of its list ("（二）与本单位订立无固定期限劳动合同的；" of those kept
        # first in a layoff) that holds no slot gives way to any that does, with no margin
        margin = t.reread_item_margin if lead and lead[0].clause.item and not lead[0].slot else t.reread_margin
        for hit in list(candidates.values())[1:]:
            other = reading(hit)
            if other and other[0].slot and max(r.share for r in other) >= lead_share and (
                    not lead or other[0].score >= lead[0].score + margin):
                return hit, other
        return top, lead

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
        chosen, readings = self.select(retrieval, corpus.article_clauses)
        earlier = self._other_version(retrieval, chosen, records)
        if earlier is not None:  # "2018年版和现行的…有什么变化": the other version's article too
            chosen = [*[h for h in chosen if h.clause.doc_id != earlier.clause.doc_id][: self.max_quotes - 1], earlier]
        giving = [h for h in chosen if states_asked(query, h.clause, corpus.article_clauses)] if query.asks else []
        stating = self._stating(retrieval, chosen, corpus.article_clauses) if query.asks and not giving else None
        if stating is None and query.asks and not giving and not query.yes_no:
            stating = self._deferred(retrieval, chosen, corpus)
        if stating is not None:
            chosen = [stating, *[h for h in chosen if h.clause.clause_id != stating.clause.clause_id]][: self.max_quotes]
        elif giving and giving[0] is not chosen[0] and not query.yes_no:
            # the cited sentence that states the figure asked for is the answer: it leads
            chosen = [giving[0], *[h for h in chosen if h is not giving[0]]]
        elif not giving and query.asks and not query.yes_no:
            left_open = self._left_open(retrieval, chosen, corpus)
            if left_open is not None:  # no text states it: the sentence saying it is left open leads
                chosen = [left_open, *[h for h in chosen if h.clause.clause_id != left_open.clause.clause_id]][: self.max_quotes]
        lead = chosen[0].clause
        if readings and (readings[0].clause.doc_id, readings[0].clause.article) != (lead.doc_id, lead.article):
            # the sentence stating the figure asked for leads from another article: read that one
            readings = read(query, retrieval.weights, corpus.article_clauses(lead.doc_id, lead.article),
                            retrieval.hits, self.thresholds.reading)

        def label(clause: Clause) -> str:
            return document_label(clause.doc_id, documents, records) + article_name(clause)

        where = label(lead)
        heading = f"（{lead.heading}）" if lead.heading else ""
        quotes = " ".join(h.clause.text for h in chosen)
        unsupported = [f for f in query.asserted if _normal_figure(f) not in _normal_figure(quotes)]
        if unsupported:
            citations = [citation_of(h.clause, records.get(h.clause.doc_id)) for h in chosen]
            first = (f"文件中没有您提到的数字，请不要以此为准。{where}{heading}的相关规定是："
                     f"{key_span(lead.text, query)}[1]")
            return Answer(NOT_SPECIFIED, compose(first, self._basis(chosen, {}, label), LOCAL_RULES), citations,
                          unsupported_figures=tuple(unsupported))
        unstated = bool(query.asks) and not giving and stating is None  # no cited sentence states the figure asked
        # "能不能拆成几次休？" asks yes or no: the verdict answers it, not a number
        if unstated and not query.yes_no and chosen[0].coverage >= self.thresholds.unstated_coverage:
            # "文件没有规定……" is a claim about the text: made only when the article found
            # clearly treats what was asked and none of the cited articles states the figure
            citations = [citation_of(h.clause, records.get(h.clause.doc_id)) for h in chosen]
            wanted = ask_name(query.asks, query.text)
            first = f"文件没有规定{wanted}。{where}{heading}只写明：{key_span(lead.text, query)}[1]"
            return Answer(NOT_SPECIFIED, compose(first, self._basis(chosen, {}, label), LOCAL_RULES), citations,
                          asks=query.asks)
        direct = self._direct_clauses(query, lead, readings, retrieval.weights, corpus.article_clauses)
        if len(parts(query.text)) > 1:  # a question asking several things: each ask's sentence, in the text's order
            more = part_answers(query, retrieval.weights, corpus.article_clauses(lead.doc_id, lead.article), direct,
                                retrieval.hits, self.thresholds.reading)
            direct = sorted([*direct, *more], key=lambda c: c.order)
        going_on = continuation(lead, corpus.article_clauses)
        if going_on is not None and going_on.clause_id not in {c.clause_id for c in direct}:
            # "前款规定的折算方法为：…": the sentence that goes on from the lead is read with it
            at = next(i for i, c in enumerate(direct) if c.clause_id == lead.clause_id) + 1
            direct = [*direct[:at], going_on, *direct[at:]]
        judged = self._judged(query, lead, readings, retrieval.weights) if query.yes_no else None
        if judged is not None and judged.clause.clause_id not in {c.clause_id for c in direct}:
            # the lead tells the case; the sentence ruling on what is asked answers "能不能"
            direct = sorted([*direct, judged.clause], key=lambda c: c.order)
        # the direct answer's sentences are cited first, in its order; then the rest of the basis
        by_id = {h.clause.clause_id: h for h in chosen}
        shown = {c.clause_id for c in direct}
        hits = [by_id.get(c.clause_id) or _as_hit(c, chosen[0]) for c in direct]
        hits += [h for h in chosen if h.clause.clause_id not in shown]
        number = {h.clause.clause_id: n for n, h in enumerate(hits, 1)}
        spans = {c.clause_id: key_span(c.text, query) for c in direct}
        said = "".join(f"{spans[c.clause_id]}[{number[c.clause_id]}]" for c in direct)
        word = ""
        if judged is not None:
            ruling = judged.clause
            head = announcer(ruling, corpus.article_clauses) if ruling.item else None
            word = item_verdict(spans[ruling.clause_id], spans[head.clause_id] if head and head.clause_id in spans else "")
            if word == VERDICT_YES and query.asks_happening:
                word = ""  # "工资会不会少发？": what the text allows is not what happens
        first = (f"{word}。" if word else "") + f"根据{where}{heading}：{said}"
        if unstated and query.asks in SPECIFIC_KINDS and not query.yes_no:
            first = QUOTES_SILENT.format(what=ask_name(query.asks, query.text)) + first
        citations = [citation_of(h.clause, records.get(h.clause.doc_id)) for h in hits]
        basis = self._basis(hits, spans, label, lead)
        # another loaded text of another scope states a different figure: shown too, with where each applies
        first, basis, citations = conflicts.widen(retrieval, chosen, corpus, first, basis, citations, direct)
        return Answer(ANSWERED, compose(first, basis), citations)

    def _judged(self, query: Query, lead: Clause, readings: list[Reading], weights) -> Reading | None:
        """The sentence whose rule answers a yes/no question, or None. Only when the lead
        holds ``verdict_share`` of the question: the lead itself when it also holds
        ``verdict_ask_share`` of the asked part (the pieces before that tell the case:
        "女职工怀孕期间调了岗，单位能降她工资吗？"), unless another sentence of the article
        states a verdict and holds ``verdict_ask_margin`` more of the asked part (at least
        ``verdict_share``): that one rules ("用人单位不得降低其原工资性收入")."""
        share = self.thresholds.reading.verdict_share
        asked = asked_part(query.text)
        terms = {i for i, (_, forms) in enumerate(weights) if forms[0] in asked.lower()}
        whole = sum(weights[i][0] for i in terms)

        def of_ask(r: Reading) -> float:
            return sum(weights[i][0] for i in r.holds & terms) / whole if asked != query.text and whole else r.share

        reading = next((r for r in readings if r.clause.clause_id == lead.clause_id), None)
        if reading is None or reading.share < share:
            return None  # the article holds too little of the question to rule on it
        tuning = self.thresholds.reading
        ruling = [r for r in readings if r is not reading and of_ask(r) >= share and verdict(r.clause.text)]
        best = max(ruling, key=lambda r: (of_ask(r), r.score), default=None) if asked != query.text else None
        if best is not None and of_ask(best) >= of_ask(reading) + tuning.verdict_ask_margin:
            return best
        return reading if of_ask(reading) >= tuning.verdict_ask_share else None

    def _direct_clauses(self, query: Query, lead: Clause, readings: list[Reading], weights, articles) -> list[Clause]:
        """The sentences the direct answer quotes, in reading order: the lead (after the
        sentence announcing it when it is an enumerated item); the items the lead announces
        (all of them for a list or conditions question, unless the reader led with one item;
        else those naming what was asked);
        or a second sentence of the article that holds what the lead lacks."""
        tuning = self.thresholds.reading
        if query.article_ref and query.kind in (None, "definition") and not query.yes_no:
            # "第十九条讲的是什么？" asks what the article says: a short one is quoted whole
            whole = [c for c in articles(lead.doc_id, lead.article) if not is_heading(c)]
            if lead in whole and sum(len(c.text) for c in whole) <= tuning.whole_article_chars:
                return whole
        by_id = {r.clause.clause_id: r for r in readings}
        lead_reading = by_id.get(lead.clause_id)
        head = announcer(lead, articles) if lead.item else None
        items = items_of(head or lead, articles)
        out = [head] if head else []
        out.append(lead)
        own_tier = in_band(tier_text(query), lead.text)  # the asker's own figure chose the lead's tier
        if items:
            if query.kind in ("list", "conditions", "consequence", "how", None) and head is None:
                out += [c for c in items[:MAX_ITEMS] if c.clause_id != lead.clause_id]
            elif tiers := ([] if own_tier else self._tiers(query, lead, lead_reading, items, by_id)):
                out += [c for c in tiers[:MAX_ITEMS] if c.clause_id != lead.clause_id]
            else:
                named = [r for r in readings if r.clause.item and r.clause in items and r.clause.clause_id != lead.clause_id
                         and lead_reading is not None and adds(r, lead_reading, weights, tuning.added_share)]
                out += [r.clause for r in named[: tuning.matched_items]]
            return sorted(out, key=lambda c: c.order)
        if query.kind in ("list", "conditions") and lead_reading is not None and not lead_reading.slot:
            # the lead names what is asked, and another sentence of the article lists it ("确定…重点
            # 单位名录" / "符合以下情形之一的，应当列入重点单位名录：（一）…"): the list follows the lead
            for r in readings:
                if r.slot and r.clause.clause_id != lead.clause_id and not r.clause.item:
                    if listed := items_of(r.clause, articles):
                        return sorted([*out, r.clause, *listed[:MAX_ITEMS]], key=lambda c: c.order)
        second = next((r for r in readings if r.clause.clause_id != lead.clause_id), None)
        # a second actor for the same duty ("市和区人力社保行政主管部门负责…" / "各行业主管部门负责…")
        # answers "由谁负责" too
        another_actor = (query.kind == "who" and second is not None and second.slot
                         and lead_reading is not None and lead_reading.slot)
        if lead_reading is not None and query.asks and not own_tier:
            # a figure of the asked kind for other cases, in sentences holding nearly as much of the
            # question ("单位按照本单位工资总额的2%缴纳" / "职工按照本人工资的1%缴纳"; each tier of a
            # tiered rule, unless the asker's own figure chose the tier), in the text's order; for a
            # yes/no question one, holding as much as the verdict's sentence, after it
            if query.yes_no:
                same = another_case(readings, lead_reading)[:1]
                if same:
                    return [*out, same[0].clause]
            else:
                same = another_case(readings, lead_reading, tuning.other_case_share)[: tuning.other_cases]
                if same:
                    return sorted([*out, *(r.clause for r in same)], key=lambda c: c.order)
        if (lead_reading is not None and second is not None
                and (adds(second, lead_reading, weights, tuning.added_share) or another_actor)
                and second.score >= tuning.second_sentence_share * lead_reading.score):
            out.append(second.clause)
        elif lead_reading is not None and lead_reading.slot and not own_tier:
            # the sentence goes on, after "；", with the same slot for another case ("集体合同由工会代表
            # 企业职工一方与用人单位订立；尚未建立工会的用人单位，由上级工会指导劳动者推举的代表…")
            following = next((r for r in readings if r.clause.order == lead.order + 1), None)
            if (following is not None and following.slot and not following.clause.item
                    and sentence_of(following.clause, articles) == sentence_of(lead, articles)):
                out.append(following.clause)
        return out

    @staticmethod
    def _tiers(query: Query, lead: Clause, lead_reading: Reading | None, items: list[Clause],
               by_id: dict[str, Reading]) -> list[Clause]:
        """The announced items that each state the figure asked for ("（一）培训费用一万元以上不满
        三万元的，服务期一年；…"), when the question asks for it without choosing one: the item the
        reader led with holds no more of the question than the others ("高级工补贴多少" chooses
        高级工). Else empty. The caller has checked that no figure of the asker's own chose the
        lead's tier."""
        if not query.asks or query.yes_no:
            return []
        others = [by_id[c.clause_id].share for c in items if c.clause_id != lead.clause_id and c.clause_id in by_id]
        if lead.item and lead_reading is not None and lead_reading.share > max(others, default=0.0):
            return []
        tiers = [c for c in items if holds_slot(query, c.text)]
        return tiers if len(tiers) >= 2 else []

    def _basis(self, hits: list[Hit], spans: dict[str, str], label, lead: Clause | None = None) -> str:
        """The numbered basis lines: each names its document and article; a sentence the
        direct answer already quotes whole is not repeated ("见上"); a sentence of another
        article than the lead's says so ("相关")."""
        lines = []
        for n, hit in enumerate(hits, 1):
            clause = hit.clause
            why = "（相关）" if lead is not None and (clause.doc_id, clause.article) != (lead.doc_id, lead.article) else ""
            if spans.get(clause.clause_id) == clause.text:
                lines.append(f"[{n}] {label(clause)}{why}（见上）")
            else:
                lines.append(f"[{n}] {label(clause)}{why}：“{clause.text}”")
        return "\n".join(lines)

    @staticmethod
    def _other_version(retrieval: Retrieval, chosen: list[Hit], records: dict) -> Hit | None:
        """When the question compares an older version of the cited text with the current
        one ("2018年版和现行的…有什么变化"), the other version's hit worded most like the
        cited rule (its counterpart); else None."""
        lead = records.get(chosen[0].clause.doc_id)
        if lead is None:
            return None
        versions = [h for h in retrieval.hits if h.clause.doc_id != lead.doc_id and h.clause.doc_id in records
                    and base_title(records[h.clause.doc_id].title) == base_title(lead.title)]
        if not versions:
            return None
        other = records[versions[0].clause.doc_id]
        if not compares_versions(retrieval.query.text, other if lead.in_force else lead):
            return None
        # its counterpart of the cited rule: the hit worded most like it
        return max(versions, key=lambda h: conflicts.shared_wording(h.clause.text, chosen[0].clause.text))

    def _stating(self, retrieval: Retrieval, chosen: list[Hit], articles) -> Hit | None:
        """A clause that states a figure of the kind the question asks for, about what it
        asks (:func:`quote_gives`), as a hit; None when none does. Read first: the cited
        articles (the main one first), then the next best retrieved articles, up to
        ``thresholds.stating_articles`` in all, of the same document, for a question that
        names no article and asks a figure of a definite kind (:data:`SPECIFIC_KINDS`):
        "文件没有规定……" must not be said while an article the search found close to the
        top states it. Of a tiered rule, the tier the asker's figure falls in is taken.
        ``articles(doc_id, article)`` gives an article's clauses."""
        query = retrieval.query
        # another article counts only when it treats the question nearly as fully as the main
        # one: a figure of the asked kind in a loosely related article (探亲假 ← 试用期 "一年",
        # 女职工多少人 ← "每多哺乳1个婴儿") answers a question nobody asked
        floor = chosen[0].coverage * self.thresholds.stating_coverage_share if chosen else 0.0
        places = list(dict.fromkeys((h.clause.doc_id, h.clause.article) for h in chosen
                                    if h is chosen[0] or h.coverage >= floor))
        if query.asks in SPECIFIC_KINDS and chosen and not query.article_ref:
            # … so does a next best article of the same document
            limit = max(self.thresholds.stating_articles, len(places))
            for h in retrieval.hits:
                if len(places) >= limit:
                    break
                if (h.clause.doc_id == chosen[0].clause.doc_id and h.coverage >= floor
                        and (h.clause.doc_id, h.clause.article) not in places):
                    places.append((h.clause.doc_id, h.clause.article))
        tiers = tier_text(query)
        for doc_id, article in places:
            stating = [c for c in articles(doc_id, article) if states_asked(query, c, articles)]
            if stating:  # of a tiered rule, the tier the asker's figure falls in
                return _as_hit(next((c for c in stating if in_band(tiers, c.text)), stating[0]), chosen[0])
        return None

    def _left_open(self, retrieval: Retrieval, chosen: list[Hit], corpus: "Snapshot") -> Hit | None:
        """When no text states the figure asked for: a sentence that names the asked measure and
        leaves it open (:func:`leaves_open`: "不得超过其用工总量的一定比例，具体比例由…规定"), of
        the cited articles or the ``thresholds.left_open_articles`` best retrieved ones, in an
        article treating the question (``thresholds.unstated_coverage``) and holding at least
        as much of it, apart from the measure's own word (比例), as the cited sentence (a bound
        asked, 最多, held by the bound stated, 不得超过); None when none does. "文件没有规定具体
        比例" then quotes the text's own word for it."""
        query, t = retrieval.query, self.thresholds
        measure = {i for i, (_, forms) in enumerate(retrieval.weights) if any(names_measure(query.asks, f) for f in forms)}
        about = [(w, forms) for i, (w, forms) in enumerate(retrieval.weights) if i not in measure]

        need = _held(about, chosen[0].clause.text)
        best: dict[tuple[str, str], Hit] = {}  # article → its best hit
        for h in [*chosen, *retrieval.hits]:
            best.setdefault((h.clause.doc_id, h.clause.article), h)
        cited = len({(h.clause.doc_id, h.clause.article) for h in chosen})
        for place, hit in list(best.items())[: max(cited, t.left_open_articles)]:
            if hit.coverage < t.unstated_coverage:
                continue
            for clause in corpus.article_clauses(*place):
                if leaves_open(query.asks, clause.text) and _held(about, clause.text) >= need:
                    return _as_hit(clause, hit)
        return None

    def _deferred(self, retrieval: Retrieval, chosen: list[Hit], corpus: "Snapshot") -> Hit | None:
        """When the cited sentence leaves the figure asked for to another text ("可以在国家规定的
        最低缴存比例基础上浮动确定", "按照《…条例》规定"): the sentence of a loaded text it defers to
        (the national texts, or the one it names) that states it, read in that text's retrieved
        articles that hold ``thresholds.deferred_share`` of what the citing sentence holds of the
        question (a bound it asks, 最低, held by the bound stated, 不得低于); None when none does."""
        lead = chosen[0].clause
        national = mentioned_scope(lead.text, corpus.records)[1]
        deferred = (national | set(named_documents(lead.text, corpus.aliases))) - {lead.doc_id}
        if not deferred:
            return None
        # what the question asks about, as the citing sentence says it ("养老保险费", "缴存比例",
        # "最低"): the sentence deferred to must be about that, not about another fund's rate
        about = [(w, forms) for w, forms in retrieval.weights if any(f in lead.text for f in forms)]
        need = self.thresholds.deferred_share * sum(w for w, _ in about)
        places = list(dict.fromkeys((h.clause.doc_id, h.clause.article) for h in retrieval.hits
                                    if h.clause.doc_id in deferred))
        for doc_id, article in places[: self.thresholds.stating_articles]:
            text = corpus.article_text(doc_id, article)
            if not about or _held(about, text) < need:
                continue
            stating = next((c for c in corpus.article_clauses(doc_id, article)
                            if states_asked(retrieval.query, c, corpus.article_clauses)), None)
            if stating is not None:
                return _as_hit(stating, chosen[0])
        return None

    def no_such_article(self, ref: str, named: tuple[str, ...], documents: dict[str, SourceDocument]) -> Answer:
        """The question names an article (of a document) that does not exist: say so."""
        where = "、".join(f"《{_short_title(documents, d)}》" for d in named) or "知识库中的文件"
        return Answer(NOT_FOUND, f"{where}没有第{ref}条，因此不作回答。请核对条文序号，或直接描述您要问的事项。", [],
                      missing_article=ref)

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


def states_asked(query: Query, clause: Clause, articles) -> bool:
    """Whether ``clause`` states the figure ``query`` asks for, about what it asks
    (:func:`assistant.query.quote_gives`), read as it stands or, for an enumerated item,
    with the sentence announcing it (:func:`assistant.reader.as_read`)."""
    return any(quote_gives(query.asks, text, query) for text in as_read(clause, articles))


def compose(first: str, basis: str, tail: str = "") -> str:
    """An answer's text: the direct answer, then "依据：" and the basis lines, then ``tail``."""
    parts = [first, "依据：\n" + basis]
    if tail:
        parts.append(tail)
    return "\n\n".join(parts)


def _held(weights, text: str) -> float:
    """The weight of the question's terms (``weights``: (weight, forms)) that ``text`` holds; a
    bound asked (最多, 最低) is held by the bound stated (不得超过, 不得低于)."""
    return sum(w for w, forms in weights if any(f in text for f in forms) or holds_bound(forms[0], text))


def _as_hit(clause: Clause, like: Hit) -> Hit:
    """A clause read from the article (not among retrieval's hits), scored as ``like``."""
    return Hit(clause, like.score, dense=like.dense, sparse=like.sparse, coverage=like.coverage)


def citation_of(clause: Clause, record: "DocumentRecord | None" = None) -> Citation:
    """The citation of ``clause``, carrying its document's version, status, level and region."""
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


def key_span(sentence: str, query: Query, max_chars: int = 150) -> str:
    """The part of a sentence that answers the question, verbatim and contiguous: the whole
    sentence when it is short; else the run of comma-separated segments that holds the
    answer slot (the figure asked for, or the kind's slot: a time, an actor, a condition)
    and most of the question's words. Never cut through the slot."""
    if len(sentence) <= max_chars:
        return sentence
    segments = _SEGMENT.findall(sentence)
    terms = set(query.expanded)
    wanted = any(holds_slot(query, seg) for seg in segments)
    best, best_score = (0, len(segments)), -1.0
    for i in range(len(segments)):
        for j in range(i + 1, min(len(segments), i + 4) + 1):
            span = "".join(segments[i:j])
            if len(span) > max_chars:
                break
            score = sum(len(t) for t in terms if t in span) - 0.01 * len(span)
            if wanted and holds_slot(query, span):
                score += 100  # the answer itself first, then the question's words
            if score > best_score:
                best, best_score = (i, j), score
    span = "".join(segments[best[0] : best[1]]).rstrip("，,：:")
    if best[1] < len(segments):
        return span + "……"
    return span
