"""Side-by-side retrieval for the external check (evals/external): the assistant against
two plain baselines on the same index generation, i.e. the same documents, the same
clause split and the same vectors.

* ``bm25`` — jieba tokens (no domain words, no synonyms, no stopwords) and the BM25 of
  :mod:`assistant.sparse`, over each clause's heading and text as the index reads them;
* ``dense`` — the question's vector against the clause vectors (the index's chroma store);
* ``hybrid`` — the assistant's own retriever (lexicon, BM25 + dense fusion, boosts).

Each ranks *articles* (a clause's document and article, first occurrence kept); the
document's title and front matter are not articles and are skipped. Nothing here reads a
threshold or a gold case: the numbers come from the rankings alone."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Iterable, Protocol

import numpy as np

from .index import Snapshot
from .index import _sparse_text as sparse_text  # the text the assistant's own BM25 indexes
from .lexicon import Lexicon, Segmenter
from .models import Clause
from .sparse import BM25Index
from .structure import FRONT, TITLE

Place = tuple[str, str]  # (doc_id, article)
RECALL_AT = 5
DENSE_CANDIDATES = 60  # nearest clauses read to find RECALL_AT distinct articles


class Ranker(Protocol):
    name: str

    def rank(self, question: str, k: int) -> list[Place]: ...


def distinct_articles(clauses: Iterable[Clause], k: int) -> list[Place]:
    """The first ``k`` distinct (document, article) pairs of ``clauses``, titles and front
    matter left out."""
    places: list[Place] = []
    for clause in clauses:
        place = (clause.doc_id, clause.article)
        if clause.article in (TITLE, FRONT) or place in places:
            continue
        places.append(place)
        if len(places) == k:
            break
    return places


class BM25Baseline:
    """BM25 alone over plain jieba tokens."""

    name = "bm25"

    def __init__(self, snapshot: Snapshot, segmenter: Segmenter | None = None):
        self.segmenter = segmenter or Segmenter(Lexicon())
        self.clauses = snapshot.clauses
        self.bm25 = BM25Index.build([self.segmenter.tokens(sparse_text(c)) for c in self.clauses])

    def rank(self, question: str, k: int) -> list[Place]:
        scores = self.bm25.scores(self.segmenter.tokens(question))
        matched = np.flatnonzero(scores > 0)
        order = matched[np.argsort(-scores[matched], kind="stable")]  # ties in corpus order
        return distinct_articles((self.clauses[i] for i in order), k)


class DenseBaseline:
    """Cosine similarity alone: the question's embedding against the clause vectors."""

    name = "dense"

    def __init__(self, snapshot: Snapshot, embedder, candidates: int = DENSE_CANDIDATES):
        self.snapshot = snapshot
        self.embedder = embedder
        self.candidates = candidates

    def rank(self, question: str, k: int) -> list[Place]:
        vector = self.embedder.embed_queries([question])[0]
        similar = self.snapshot.store.similar(vector.tolist(), self.candidates)
        by_id = self.snapshot.by_id
        order = sorted(similar, key=lambda cid: (-similar[cid], by_id[cid]))
        return distinct_articles((self.snapshot.clauses[by_id[cid]] for cid in order), k)


class HybridRanking:
    """The assistant's own retriever (what its answers are written from)."""

    name = "hybrid"

    def __init__(self, bot):
        self.bot = bot

    def rank(self, question: str, k: int) -> list[Place]:
        from .query import analyse

        query = analyse(question, self.bot.segmenter, self.bot.settings.max_question_chars)
        retrieval = self.bot.retriever.search(query, self.bot.settings.top_k)
        return distinct_articles((h.clause for h in retrieval.hits), k)


@dataclass(frozen=True)
class SystemScore:
    """Article top-1 and recall@k of one system over the cases."""

    name: str
    top1: float
    recall: float
    cases: int


def score(name: str, rankings: list[list[Place]], gold: list[set[Place]], k: int = RECALL_AT) -> SystemScore:
    """Top-1: the first place is any gold article; recall@k: any gold article among the first k."""
    top1 = [bool(r) and r[0] in g for r, g in zip(rankings, gold)]
    recall = [any(p in g for p in r[:k]) for r, g in zip(rankings, gold)]
    n = len(gold)
    return SystemScore(name, sum(top1) / n if n else 0.0, sum(recall) / n if n else 0.0, n)


def side_by_side(bot, cases: list[dict], answers: list, k: int = RECALL_AT) -> list[SystemScore]:
    """The assistant's answers (first citation; recall among its citations), its retriever
    and the two baselines, scored on the same cases. ``answers`` are the assistant's
    :class:`~assistant.models.Answer` for ``cases``, in order."""
    from .evaluation import gold_places

    gold = [{(doc, article) for doc, article in gold_places(case)} for case in cases]
    cited = [[(c.doc_id, c.article) for c in a.citations] for a in answers]
    snapshot = bot.index.snapshot
    rankers: list[Ranker] = [HybridRanking(bot), BM25Baseline(snapshot), DenseBaseline(snapshot, bot.embedder)]
    scores = [score("answer", [list(dict.fromkeys(c)) for c in cited], gold, k)]
    for ranker in rankers:
        scores.append(score(ranker.name, [ranker.rank(case["turns"][-1], k) for case in cases], gold, k))
    return scores


def summary_entries(scores: list[SystemScore]) -> dict:
    """What the eval summary records of a side-by-side run: every system's scores, and the
    margin of the assistant's answers over BM25 alone (gated: never below the baseline)."""
    by_name = {s.name: s for s in scores}
    entries: dict = {"systems": [asdict(s) for s in scores]}
    for s in scores:
        entries[f"article_top1.{s.name}"] = s.top1
        entries[f"recall_at_{RECALL_AT}.{s.name}"] = s.recall
    entries["top1_over_bm25"] = by_name["answer"].top1 - by_name["bm25"].top1
    return entries
