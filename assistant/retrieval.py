"""Hybrid retrieval: e5 dense (chroma) and jieba BM25, fused by reciprocal rank, with
each hit's term coverage for the refusal decision. ``search`` calls ``batch_search``."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from .documents import asks_old_version, compares_versions, mentioned_scope, named_documents, without_names, without_versions
from . import liability
from .embeddings import Embedder
from .index import PolicyIndex, Snapshot, treated
from .models import Clause, Hit
from .query import EFFECTIVE_CLAUSE, PURPOSE_CLAUSE, Query, is_figure, is_question_word, lists, own_topic
from .settings import Thresholds
from .structure import FRONT, TITLE


DENSE_QUERY_CHARS = 160
_NOT_TOPICAL = re.compile(r"[\d.%％]+|[a-z]")  # a question longer than this is embedded by its head (BM25 still sees it all)


@dataclass
class Retrieval:
    """Hits for one query, best first, plus the evidence used to decide on refusal."""

    query: Query
    hits: list[Hit]
    named: tuple[str, ...] = ()  # documents the question names
    # (IDF weight, the term and its synonyms) per topical question term: how coverage and
    # the reader (assistant/reader.py) weigh what a clause holds
    weights: tuple[tuple[float, tuple[str, ...]], ...] = ()
    # BM25 score of every clause position of the snapshot searched (what else the corpus
    # holds on the question: assistant/conflicts.py reads other texts' best matches from it)
    sparse: np.ndarray | None = field(default=None, repr=False, compare=False)
    # field terms of the question (the vocabulary's words, ``Thresholds.field_term_chars`` long or
    # more: 无固定期限劳动合同) that no loaded text treats (assistant/index.treated)
    untreated: tuple[str, ...] = ()
    prefer: tuple[str, str] | None = None  # the article a follow-up's conversation is about (document, article)

    def best_matches(self, span: tuple[int, int], limit: int) -> list[int]:
        """Positions in ``span`` (start, end) that BM25 matched, best first, at most ``limit``;
        every position of the span when no scores were kept."""
        start, end = span
        if self.sparse is None:
            return list(range(start, end))
        part = self.sparse[start:end]
        matched = np.flatnonzero(part > 0)
        best = matched[np.argsort(-part[matched], kind="stable")][:limit]
        return [start + int(i) for i in best]

    @property
    def top(self) -> Hit | None:
        return self.hits[0] if self.hits else None


class HybridRetriever:
    def __init__(self, index: PolicyIndex, embedder: Embedder, thresholds: Thresholds, dense_candidates: int = 100):
        self.index = index
        self.embedder = embedder
        self.t = thresholds
        self.dense_candidates = dense_candidates
        self._field_words: tuple[object, frozenset[str]] = (None, frozenset())  # (lexicon, its field terms)
        self._treated: tuple[str, dict[str, bool]] = ("", {})  # (corpus version, term → treated by that corpus)

    def search(self, query: Query, k: int = 8, context: str = "", prefer: tuple[str, str] | None = None,
               snapshot: Snapshot | None = None, history: str = "") -> Retrieval:
        """``context``: the earlier question an elliptical turn leans on (searched with it);
        ``history``: the conversation so far, read only for the region "本市" refers to."""
        return self.batch_search([query], k, [context], [prefer], snapshot, [history])[0]

    def batch_search(self, queries: list[Query], k: int = 8, contexts: list[str] | None = None,
                     prefer: list[tuple[str, str] | None] | None = None,
                     snapshot: Snapshot | None = None, histories: list[str] | None = None) -> list[Retrieval]:
        """Hits for each query, all read from one snapshot of the index (the served one
        unless given), so a concurrent reindex cannot mix generations."""
        snap = snapshot or self.index.snapshot
        contexts = contexts or [""] * len(queries)
        prefer = prefer or [None] * len(queries)
        # e5 reads 512 tokens at most and slows down sharply on long input: embed the head
        texts = [(c + " " + q.text).strip()[:DENSE_QUERY_CHARS] for q, c in zip(queries, contexts)]
        vectors = self.embedder.embed_queries(texts) if queries else []
        histories = histories or [""] * len(queries)
        return [self._one(q, v, k, p, snap, f"{h} {c}".strip(), c) for q, v, p, c, h in
                zip(queries, vectors, prefer, contexts, histories)]

    def _one(self, query: Query, vector: np.ndarray, k: int, prefer: tuple[str, str] | None, index: Snapshot,
             context: str = "", leaned_on: str = "") -> Retrieval:
        """``context``: the conversation, read for the region "本市" refers to; ``leaned_on``: the
        earlier question an elliptical turn leans on."""
        dense = index.store.similar(vector.tolist(), self.dense_candidates)
        documents = named_documents(query.text, index.aliases)  # "劳动合同法第三十七条…"
        topic = self._topic(query, index) if documents else query  # without the words of those names
        # the question's own words count more than the words the lexicon adds for them; a turn
        # naming no topic of its own ("需要满足什么条件？") is searched with the words it leans on
        added = [t for t in topic.expanded if t not in topic.terms]
        earlier = self.index.segmenter.terms(leaned_on) if leaned_on and not own_topic(query) else []
        sparse = index.bm25.scores(topic.terms * self.t.own_term_repeat + added + earlier)
        positive = np.flatnonzero(sparse > 0)
        order = positive[np.argsort(-sparse[positive], kind="stable")]  # only clauses BM25 matched
        sparse_rank = np.full(len(sparse), -1)  # clause position → BM25 rank (-1: not matched)
        sparse_rank[order] = np.arange(len(order))
        candidates = set(dense)
        candidates.update(index.clauses[i].clause_id for i in order[: self.dense_candidates])
        for doc_id in documents:  # the named document's best BM25 matches compete too
            start, end = index.spans[doc_id]
            inside = start + np.argsort(-sparse[start:end], kind="stable")[: self.t.named_document_candidates]
            candidates.update(index.clauses[i].clause_id for i in inside if sparse[i] > 0)
        by_region, by_level = mentioned_scope(query.text, index.records)  # "在北京", "国家规定"
        if not by_region and context and re.search(r"本市|本省|我市|我省|这里|当地|我们(市|省|这)", query.text):
            by_region = mentioned_scope(context, index.records)[0]  # "本市" → the city named earlier
        standing = {doc_id: self._standing(query, record) for doc_id, record in index.records.items()}
        local = {doc_id for doc_id, record in index.records.items() if record.level in ("省", "市", "区县")}
        consequence = liability.asks_consequence(query.text)  # "罚多少", "会有什么后果": the liability chapter
        if consequence:
            candidates.update(index.liability_ids)
        for kind, asked in (("purpose", query.asks_purpose), ("effective", query.about_dates)):
            if asked:  # the clause that says it, in the documents named (every document if none)
                candidates.update(cid for doc_id, cid in index.framing_ids[kind] if not documents or doc_id in documents)
        named = set(index.article_positions(query.article_ref, documents)) if query.article_ref else set()
        candidates.update(index.clauses[i].clause_id for i in named)
        # equal similarities (the same sentence in two places) rank by clause id, not in chroma's
        # order: no clause is read for it
        dense_rank = {cid: r for r, cid in enumerate(sorted(dense, key=lambda c: (-dense[c], c)))}
        weighted = self._weighted_terms(topic, index)
        hits = []
        for cid in candidates:
            i = index.by_id[cid]
            clause = index.clauses[i]
            if (clause.article == TITLE and not query.about_document) or (
                    clause.article == FRONT and not (query.about_document or query.about_dates)):
                continue  # a title shares words with every question about its document: never the answer
            score = self.t.dense_weight / (self.t.rrf_k + dense_rank.get(cid, len(dense_rank) + 50))
            if sparse_rank[i] >= 0:
                score += self.t.sparse_weight / (self.t.rrf_k + int(sparse_rank[i]))
            if i in named:
                score += 1.0  # the user named the article
            if clause.doc_id in documents:
                score += self.t.named_document_boost  # the user named the document
            coverage = self._coverage(weighted, index.article_text(clause.doc_id, clause.article))
            if consequence and liability.is_liability(clause):  # read with the rules it enforces
                coverage = max([coverage, *(self._coverage(weighted, index.article_text(clause.doc_id, a))
                                            for a in liability.cited_articles(clause))])
                score += self.t.liability_boost if coverage >= self.t.strong_coverage else 0.0
            if (clause.doc_id in by_region or clause.doc_id in by_level) and coverage >= self.t.strong_coverage:
                score += self.t.scope_boost  # the user named its region or level, and it treats the question
            elif by_region and clause.doc_id in local and clause.doc_id not in documents and clause.doc_id not in by_region:
                score -= self.t.scope_boost  # a local rule of another region does not apply there
            score += standing.get(clause.doc_id, 0.0)
            if query.asks_purpose and PURPOSE_CLAUSE.match(clause.text):
                score += self.t.purpose_boost  # "what is it for" → "为了…，制定本法。"
            if query.defined_here(clause.text):
                score += self.t.purpose_boost  # "什么是非全日制用工" → "非全日制用工，是指…"; "“月工资”按什么算" too
            if query.about_dates and EFFECTIVE_CLAUSE.search(clause.text):
                score += self.t.purpose_boost  # "when does it take effect" → "本法自…起施行。"
            if query.listed and lists(query.listed, clause.text):
                score += self.t.purpose_boost  # "不得有哪些行为" → "协商双方不得有下列行为："
            if prefer and (clause.doc_id, clause.article) == prefer:
                score += self.t.follow_up_boost
            score += self.t.coverage_weight * coverage
            hits.append(Hit(clause, score, dense=dense.get(cid, 0.0), sparse=float(sparse[i]), coverage=coverage))
        # equal scores in document order: the same question cites the same clauses in any process
        hits.sort(key=lambda h: (-h.score, index.by_id[h.clause.clause_id]))
        return Retrieval(query, hits[:k], tuple(documents), tuple(weighted), sparse=sparse,
                         untreated=self._untreated(topic, index), prefer=prefer)

    def _untreated(self, query: Query, snap: Snapshot) -> tuple[str, ...]:
        """The question's field terms (words of the lexicon, ``t.field_term_chars`` long or
        more) that no text of ``snap`` treats; looked up once per term for the generation served
        (the answers of an earlier one are dropped)."""
        lexicon = self.index.segmenter.lexicon
        if self._field_words[0] is not lexicon:
            self._field_words = (lexicon, frozenset(w.lower() for w in lexicon.words if len(w) >= self.t.field_term_chars))
        version, known = self._treated  # read once: another thread may start the next generation's
        if version != snap.corpus_version:
            known = {}
            self._treated = (snap.corpus_version, known)
        out = []
        for term in query.terms:
            if term not in self._field_words[1]:
                continue
            if term not in known:
                known[term] = treated(term, lexicon, snap.corpus_text, snap.bm25, self.index.segmenter)
            if not known[term]:
                out.append(term)
        return tuple(out)

    def _topic(self, query: Query, index: Snapshot) -> Query:
        """``query`` with the terms of what it asks about only: the names of the documents it
        names, and the words naming a version of them, are left out (their words — 劳动合同,
        条例, 2018年版 — chose the document, and would otherwise draw its first or last
        article). The query itself when nothing else is left."""
        from dataclasses import replace

        from .query import analyse

        rest = analyse(without_versions(without_names(query.text, index.aliases)), self.index.segmenter,
                       len(query.text) + 1)
        if not any(len(t) >= 2 for t in rest.terms):
            return query
        return replace(query, terms=rest.terms, expanded=rest.expanded)

    def _standing(self, query: Query, record) -> float:
        """A text that is no longer in force answers only when asked about: a penalty, or a
        boost when the question asks for that version ("2018年版", "修订前"), nothing when it
        compares that version with the current one."""
        if record.in_force or compares_versions(query.text, record):
            return 0.0  # in force, or compared with the text in force: the words decide
        return self.t.named_document_boost if asks_old_version(query.text, record) else -self.t.superseded_penalty

    def coverage(self, query: Query, clause: Clause, snapshot: Snapshot | None = None) -> float:
        """IDF-weighted share of the question's terms that the clause's article contains
        (as a substring, directly or through a lexicon synonym). Terms the corpus never
        uses weigh ``t.unknown_term_share`` of its highest IDF; single characters weigh half."""
        snap = snapshot or self.index.snapshot
        return self._coverage(self._weighted_terms(query, snap), snap.article_text(clause.doc_id, clause.article))

    def _weighted_terms(self, query: Query, snap: Snapshot) -> list[tuple[float, tuple[str, ...]]]:
        """(weight, the term and its lower-cased synonyms) for each topical term of the query.

        A term weighs the IDF of the commonest form the corpus uses for it: 公司 in a law
        corpus weighs what 用人单位 weighs, not the IDF of the rare word 公司. A term the
        corpus never uses in any form weighs a share of the highest IDF this corpus gives."""
        lexicon = self.index.segmenter.lexicon
        unknown = self.t.unknown_term_share * snap.bm25.idf("")  # "" is never a token: df 0
        weighted = []
        for term in query.terms:
            forms = lexicon.forms(term)
            if _NOT_TOPICAL.fullmatch(term) or (is_question_word(term) and len(forms) == 1):
                continue  # numbers, stray letters and question words (几天, 哪天; not 找哪里 → 管辖) say nothing about the topic
            known = [f for f in forms if snap.bm25.knows(f)]
            if not known and is_figure(term):
                continue  # a figure of the asker's case no text states (八年): no clause could hold it
            if known:
                weight = min(snap.bm25.idf(f) for f in known)
            elif query.is_english and term not in lexicon.synonyms:
                weight = unknown / 4  # English filler words
            elif not self.index.segmenter.is_word(term):
                weight = unknown * self.t.fragment_share  # a fragment jieba guessed ("我能", "没休"), not a word
            else:
                weight = unknown
            if len(term) == 1:
                weight /= 2
            weighted.append((weight, forms))
        return weighted

    @staticmethod
    def _coverage(weighted: list[tuple[float, tuple[str, ...]]], article: str) -> float:
        total = sum(weight for weight, _ in weighted)
        found = sum(weight for weight, forms in weighted if any(form in article for form in forms))
        return found / total if total else 0.0
