"""The core object: :class:`PolicyAssistant` ties ingest, index, retrieval and
answering together. Dependencies (embedder, segmenter, store) are passed in, with
defaults from :class:`Settings`."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from functools import cached_property
from pathlib import Path

from . import record_answers
from .answering import AnswerWriter
from .conversation import Conversation
from .documents import as_of as documents_as_of, parse_day
from .eligibility import RuleBase, rules_files, rules_stamp
from .embeddings import Embedder, make_embedder
from .errors import IndexChangedError, IndexNotBuiltError, InputError
from .index import BuildReport, PolicyIndex, Progress
from .ingest import load_corpus
from .lexicon import Lexicon, Segmenter
from .llm import REWRITTEN, LLMWriter
from .models import Answer
from .query import analyse, case_facts, is_follow_up, is_statement
from .retrieval import HybridRetriever
from .settings import Settings
from .store import ChromaBackend
from .verdicts import eligibility_answer


log = logging.getLogger("assistant")
RELOAD_ATTEMPTS = 3  # a question reloads at most this often when builds keep dropping its generation


class PolicyAssistant:
    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None,
                 segmenter: Segmenter | None = None, client=None):
        """``client``: a chromadb client to keep the collections in (default: embedded
        under ``index/chroma``, or ``HttpClient`` when ``chroma_url`` is set)."""
        self.settings = settings or Settings.from_env()
        self.embedder = embedder or make_embedder(self.settings.embedder)
        self.segmenter = segmenter or Segmenter(Lexicon.for_corpus(self.settings.corpus_dir))
        s = self.settings
        self.backend = ChromaBackend(self.embedder, s.embedder, s.index_dir / "chroma", s.chroma_url, client=client)
        self.index = PolicyIndex(s.index_dir, self.embedder, self.segmenter, self.backend, collection=s.collection)
        self.writer = AnswerWriter(s.thresholds, s.max_quotes)
        self._build_lock = threading.RLock()
        self.llm = LLMWriter.from_settings(s)  # None unless POLICY_LLM_BASE_URL is set
        self._loaded = False
        self._rules: tuple[tuple, RuleBase] | None = None  # ((corpus version, rules file stamp), rule base)
        self._background: threading.Thread | None = None
        self.build_progress = None  # a BuildProgress while a build people wait for runs (the page shows it)

    @property
    def client(self):
        """The chromadb client (embedded under index/chroma, or the configured server)."""
        return self.backend.client

    @classmethod
    def from_settings(cls, **overrides) -> "PolicyAssistant":
        return cls(Settings.from_env(**overrides))

    # ---- index ----------------------------------------------------------------------------
    def ingest(self, path: Path | None = None, progress: Progress | None = None) -> BuildReport:
        documents = load_corpus(Path(path) if path else self.settings.corpus_dir)
        with self._build_lock:  # one build at a time; readers keep the served generation
            report = self.index.build(documents, progress)
        self._loaded = True
        return report

    def ensure_index(self, background: bool = False) -> None:
        """Load the persisted index; build it first when missing or out of date. With
        ``background`` (the web app), a usable older generation is served at once and the
        build runs in a background thread (see :attr:`building`)."""
        if self._loaded:
            return
        with self._build_lock:
            self._load_or_build(background)

    def _load_or_build(self, background: bool) -> None:
        if self._loaded:
            return
        documents = load_corpus(self.settings.corpus_dir)
        current = self.index.is_current(documents)
        try:
            if current or background:
                self.index.load()
                self._loaded = True
        except IndexNotBuiltError as exc:  # damaged or missing: say so and rebuild now
            log.warning("%s — rebuilding", exc)
        if not self._loaded:
            self._build_shown(documents)
            self._loaded = True
        elif not current:  # serve the last good generation while the new one is built
            log.warning("语料已变化，正在后台重建索引；重建完成前按上一版索引回答 (corpus %s)", self.index.corpus_version)
            self._background = threading.Thread(target=self._build_in_background, args=(documents,),
                                                name="reindex", daemon=True)
            self._background.start()

    def _build_in_background(self, documents) -> None:
        try:
            with self._build_lock:
                report = self._build_shown(documents)
            log.warning("后台重建完成 (corpus %s, %d clauses)", report.corpus_version, report.clauses)
        except Exception:  # noqa: BLE001 - a thread's edge: the old generation keeps serving
            log.exception("后台重建索引失败；继续按上一版索引回答")

    def _build_shown(self, documents):
        """Build with progress on the console and for the page (documents, clauses, time left)."""
        from .buildprogress import BuildProgress

        self.build_progress = BuildProgress(len(documents))
        try:
            return self.index.build(documents, self.build_progress)
        finally:
            self.build_progress = None

    @property
    def building(self) -> bool:
        """Whether a background build started by :meth:`ensure_index` is still running."""
        return self._background is not None and self._background.is_alive()

    def warm_up(self) -> None:
        """Load everything the first question needs (index, jieba, the model, the rules);
        an out-of-date index keeps serving while it is rebuilt in the background."""
        self.ensure_index(background=True)
        self.segmenter.tokens("预热")
        self.segmenter.nouns("预热")  # the part-of-speech tagger a follow-up is read with (~0.4 s to load)
        self.embedder.embed_queries(["预热"])
        _ = self.retriever, self.rules

    @cached_property
    def retriever(self) -> HybridRetriever:
        self.ensure_index()
        return HybridRetriever(self.index, self.embedder, self.settings.thresholds)

    @property
    def rules(self) -> RuleBase:
        """The entitlement rule base of the served generation, its quotes checked against
        that generation's text (reloaded when another generation is served or rules.yaml
        or a rules file changes, so a rule never quotes deleted or replaced text), or, while the index is not loaded yet, against
        the corpus file they quote (the same text: :meth:`ensure_index` brings the index in
        line with the corpus)."""
        snap = self.index.snapshot
        if not snap.documents:
            return RuleBase.from_corpus(self.settings.corpus_dir)
        corpus = self.settings.corpus_dir
        key = (snap.corpus_version, rules_stamp(corpus))
        cached = self._rules
        if cached is None or cached[0] != key:  # another generation served, or a rules file saved
            cached = (key, RuleBase.load_files(rules_files(corpus), snap.documents, snap.document_clauses))
            self._rules = cached
        return cached[1]

    @property
    def corpus_version(self) -> str:
        self.ensure_index()
        return self.index.corpus_version

    # ---- answering ------------------------------------------------------------------------
    def ask(self, question: str, conversation: Conversation | None = None, as_of: str | None = None) -> Answer:
        """``as_of``: the day the question is asked about ("2023-03-01"; default today). A
        text not yet in force on that day, or replaced or repealed by then, is not current
        for this question (see :func:`assistant.documents.as_of`)."""
        return self.ask_batch([question], [conversation], as_of)[0]

    def ask_batch(self, questions: list[str], conversations: list[Conversation | None] | None = None,
                  as_of: str | None = None) -> list[Answer]:
        conversations = conversations or [None] * len(questions)
        return [self._answer(q, c if c is not None else Conversation(), as_of=as_of)
                for q, c in zip(questions, conversations)]

    def chat(self, turns: list[str], as_of: str | None = None) -> Answer:
        """Answer a whole conversation in order; returns the answer to the last turn."""
        if not turns:
            raise InputError("对话为空 (no turns): give at least one question")
        conversation = Conversation()
        answer = None
        for turn in turns:
            answer = self.ask(turn, conversation, as_of)
        return answer

    def ask_stream(self, question: str, conversation: Conversation | None = None,
                   as_of: str | None = None) -> Iterator[str | Answer]:
        """Like :meth:`ask`, for a chat that shows the LLM writer's text as it arrives:
        yields provisional text chunks (``str``), then the final :class:`Answer` — the
        verified model answer or, when it fails, the extractive one. Without an LLM it
        yields just the answer."""
        conversation = conversation if conversation is not None else Conversation()
        started = time.perf_counter()
        answer = self._answer(question, conversation, rewrite=False, as_of=as_of)
        if self.llm is None or answer.status not in REWRITTEN:
            yield answer
            return
        for item in self.llm.stream(answer, history=conversation.turns[:-1], question=answer.question):
            if isinstance(item, Answer):
                item.latency_ms = (time.perf_counter() - started) * 1000
            yield item

    def _answer(self, question: str, conversation: Conversation, rewrite: bool = True,
                as_of: str | None = None) -> Answer:
        started = time.perf_counter()
        if not isinstance(question, str) or not question.strip():
            raise InputError("问题为空 (empty question): type a question about the policy")
        day = parse_day(as_of) if as_of else date.today().isoformat()
        retriever = self.retriever
        self.index.refresh()  # a build in another process: serve its generation (and its rules)
        query = analyse(question, self.segmenter, self.settings.max_question_chars)
        # an elliptical turn, or any question right after the asker told their situation
        follow_up = bool(conversation.topic_text) and (
            is_follow_up(query, self.segmenter.nouns) or (bool(conversation.turns) and is_statement(conversation.turns[-1])))
        query = replace(query, case=case_facts(conversation.turns[-3:], follow_up))
        context = conversation.topic_text if follow_up else ""
        prefer = conversation.topic if follow_up else None
        snap, retrieval = self._search(retriever, query, context, prefer, " ".join(conversation.turns[-3:]), day)
        # a rule takes over only when its document is among the best matches for the question
        relevant = {h.clause.doc_id for h in retrieval.hits[: self.settings.thresholds.rule_document_hits]}
        verdict_answer = eligibility_answer(self.rules, query.text, conversation, relevant, getattr(snap, "records", None))
        if verdict_answer is not None:
            return self._finish(verdict_answer, question, query, started)
        if follow_up and context:
            retrieval = _with_context_coverage(retriever, retrieval, context, self.segmenter, self.settings, snap)
        # a question about the document itself (when it takes effect, who passed it, its 文号, whether
        # it is still valid) is answered from its record; anything else by the answer writer
        answer = record_answers.answer(retrieval, snap, conversation.topic[0] if conversation.topic else None)
        if answer is None:
            answer = self.writer.write(retrieval, snap)
        # optional LLM rewrite: same status and citations, verified, else the extractive text
        if rewrite and self.llm is not None and answer.status in REWRITTEN:
            answer = self.llm.rewrite(answer, history=conversation.turns, question=query.text)
        topic = None
        if answer.citations:
            topic = (answer.citations[0].doc_id, answer.citations[0].article)
        conversation.remember(query.text, topic, standalone=not follow_up and bool(answer.citations))
        answer.follow_up = follow_up
        if as_of:
            answer.as_of = day
        answer.snapshot = snap
        return self._finish(answer, question, query, started, snap.corpus_version)

    def _search(self, retriever, query, context, prefer, history="", day: str | None = None):
        """(snapshot, retrieval) from one generation, even if a build (in any process) swaps
        it meanwhile: a newer generation on disk is loaded first, and a question whose
        generation was dropped mid-read reloads and asks again. The snapshot's document
        records are read as they stood on ``day`` (ISO; default: as settled)."""
        for attempt in range(RELOAD_ATTEMPTS):
            self.index.refresh()
            snap = self.index.snapshot
            dated = snap if day is None else _on_day(snap, day)
            try:
                return dated, retriever.search(query, self.settings.top_k, context=context, prefer=prefer,
                                               snapshot=dated, history=history)
            except IndexChangedError:
                if attempt == RELOAD_ATTEMPTS - 1:
                    raise
                self.index.reload_after_loss(snap)
        raise AssertionError("unreachable")

    def _finish(self, answer: Answer, question: str, query, started: float, version: str | None = None) -> Answer:
        if answer.snapshot is None:
            answer.snapshot = self.index.snapshot
        answer.question = question
        answer.corpus_version = self.index.corpus_version if version is None else version
        if query.truncated:
            answer.truncated = True
            answer.answer = "（问题过长，只按开头部分处理。）\n\n" + answer.answer
        answer.latency_ms = (time.perf_counter() - started) * 1000
        return answer


def _on_day(snap, day: str):
    """``snap`` with its document records as they stood on ``day`` (itself when nothing differs)."""
    recs = documents_as_of(snap.records, day)
    return snap if recs is snap.records else replace(snap, records=recs)


def _with_context_coverage(retriever, retrieval, context, segmenter, settings, snapshot):
    """Coverage for a follow-up counts the earlier question's terms too."""
    joined = analyse(context + " " + retrieval.query.text, segmenter, settings.max_question_chars)
    hits = [replace(h, coverage=retriever.coverage(joined, h.clause, snapshot)) for h in retrieval.hits]
    return replace(retrieval, hits=hits)  # the turn's own terms still weigh what the reader reads
