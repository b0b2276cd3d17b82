"""The core object: :class:`PolicyAssistant` ties ingest, index, retrieval and
answering together. Dependencies (embedder, segmenter, store) are passed in, with
defaults from :class:`Settings`."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from functools import cached_property
from pathlib import Path

from .answering import AnswerWriter
from .conversation import Conversation
from .eligibility import RULES_FILE, RuleBase
from .embeddings import Embedder, make_embedder
from .errors import IndexChangedError, IndexNotBuiltError, InputError
from .index import BuildReport, PolicyIndex, Progress
from .ingest import load_corpus
from .lexicon import Lexicon, Segmenter
from .llm import REWRITTEN, LLMWriter
from .models import Answer
from .query import analyse, is_follow_up
from .retrieval import HybridRetriever
from .settings import Settings
from .store import ChromaStore, connect
from .verdicts import eligibility_answer


log = logging.getLogger("assistant")


class PolicyAssistant:
    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None,
                 segmenter: Segmenter | None = None, client=None):
        """``client``: a chromadb client to keep the collections in (default: embedded
        under ``index/chroma``, or ``HttpClient`` when ``chroma_url`` is set)."""
        self.settings = settings or Settings.from_env()
        self.embedder = embedder or make_embedder(self.settings.embedder)
        self.segmenter = segmenter or Segmenter(Lexicon.for_corpus(self.settings.corpus_dir))
        s = self.settings
        self._client = client
        self.index = PolicyIndex(
            s.index_dir, self.embedder, self.segmenter,
            store_factory=lambda name: ChromaStore(self.client, name, self.embedder, s.embedder),
            collection=s.collection,
            drop_collection=lambda name: self.client.delete_collection(name),
            list_collections=lambda: [c.name for c in self.client.list_collections()],
        )
        self.writer = AnswerWriter(s.thresholds, s.max_quotes)
        self._build_lock = threading.RLock()
        self.llm = LLMWriter.from_settings(s)  # None unless POLICY_LLM_BASE_URL is set
        self._loaded = False

    @property
    def client(self):
        """The chromadb client (embedded under index/chroma, or the configured server)."""
        if self._client is None:
            self._client = connect(self.settings.index_dir / "chroma", self.settings.chroma_url)
        return self._client

    @classmethod
    def from_settings(cls, **overrides) -> "PolicyAssistant":
        return cls(Settings.from_env(**overrides))

    # ---- index ----------------------------------------------------------------------------
    def ingest(self, path: Path | None = None, progress: Progress | None = None) -> BuildReport:
        documents = load_corpus(Path(path) if path else self.settings.corpus_dir)
        with self._build_lock:  # one build at a time; readers keep the served generation
            report = self.index.build(documents, progress)
        self._loaded = True
        self.__dict__.pop("rules", None)  # the rule base quotes the new text
        return report

    def ensure_index(self) -> None:
        """Load the persisted index; build it first when missing or out of date."""
        if self._loaded:
            return
        with self._build_lock:
            self._load_or_build()

    def _load_or_build(self) -> None:
        if self._loaded:
            return
        documents = load_corpus(self.settings.corpus_dir)
        if self.index.is_current(documents):
            try:
                self.index.load()
            except IndexNotBuiltError as exc:  # corrupt files: say so and rebuild
                log.warning("%s — rebuilding", exc)
                self.index.build(documents)
        else:
            self.index.build(documents)
        self._loaded = True

    def warm_up(self) -> None:
        """Load everything the first question needs (index, jieba, the model, the rules)."""
        self.ensure_index()
        self.segmenter.tokens("预热")
        self.embedder.embed_queries(["预热"])
        _ = self.retriever, self.rules

    @cached_property
    def retriever(self) -> HybridRetriever:
        self.ensure_index()
        return HybridRetriever(self.index, self.embedder, self.settings.thresholds)

    @cached_property
    def rules(self) -> RuleBase:
        """The entitlement rule base, its quotes checked against the indexed text, or, while
        the index is not loaded yet, against the corpus file they quote (the same text:
        :meth:`ensure_index` brings the index in line with the corpus)."""
        snap = self.index.snapshot
        if not snap.documents:
            return RuleBase.from_corpus(self.settings.corpus_dir)
        return RuleBase.load(self.settings.corpus_dir / RULES_FILE, snap.documents, snap.clauses)

    @property
    def corpus_version(self) -> str:
        self.ensure_index()
        return self.index.corpus_version

    # ---- answering ------------------------------------------------------------------------
    def ask(self, question: str, conversation: Conversation | None = None) -> Answer:
        return self.ask_batch([question], [conversation])[0]

    def ask_batch(self, questions: list[str], conversations: list[Conversation | None] | None = None) -> list[Answer]:
        conversations = conversations or [None] * len(questions)
        return [self._answer(q, c if c is not None else Conversation()) for q, c in zip(questions, conversations)]

    def chat(self, turns: list[str]) -> Answer:
        """Answer a whole conversation in order; returns the answer to the last turn."""
        if not turns:
            raise InputError("对话为空 (no turns): give at least one question")
        conversation = Conversation()
        answer = None
        for turn in turns:
            answer = self.ask(turn, conversation)
        return answer

    def ask_stream(self, question: str, conversation: Conversation | None = None) -> Iterator[str | Answer]:
        """Like :meth:`ask`, for a chat that shows the LLM writer's text as it arrives:
        yields provisional text chunks (``str``), then the final :class:`Answer` — the
        verified model answer or, when it fails, the extractive one. Without an LLM it
        yields just the answer."""
        conversation = conversation if conversation is not None else Conversation()
        started = time.perf_counter()
        answer = self._answer(question, conversation, rewrite=False)
        if self.llm is None or answer.status not in REWRITTEN:
            yield answer
            return
        for item in self.llm.stream(answer, history=conversation.turns[:-1], question=answer.question):
            if isinstance(item, Answer):
                item.latency_ms = (time.perf_counter() - started) * 1000
            yield item

    def _answer(self, question: str, conversation: Conversation, rewrite: bool = True) -> Answer:
        started = time.perf_counter()
        if not isinstance(question, str) or not question.strip():
            raise InputError("问题为空 (empty question): type a question about the policy")
        retriever = self.retriever
        query = analyse(question, self.segmenter, self.settings.max_question_chars)
        verdict_answer = eligibility_answer(self.rules, query.text, conversation)
        if verdict_answer is not None:
            return self._finish(verdict_answer, question, query, started)
        follow_up = bool(conversation.topic_text) and is_follow_up(query)
        context = conversation.topic_text if follow_up else ""
        prefer = conversation.topic if follow_up else None
        try:  # one generation for the whole answer, even if a reindex swaps it meanwhile
            snap = self.index.snapshot
            retrieval = retriever.search(query, self.settings.top_k, context=context, prefer=prefer, snapshot=snap)
        except IndexChangedError:  # that generation was dropped mid-question: read the new one
            snap = self.index.snapshot
            retrieval = retriever.search(query, self.settings.top_k, context=context, prefer=prefer, snapshot=snap)
        if follow_up and context:
            retrieval = _with_context_coverage(retriever, retrieval, context, self.segmenter, self.settings, snap)
        answer = self.writer.write(retrieval, snap.documents, snap.off_topic(query.text))
        # optional LLM rewrite: same status and citations, verified, else the extractive text
        if rewrite and self.llm is not None and answer.status in REWRITTEN:
            answer = self.llm.rewrite(answer, history=conversation.turns, question=query.text)
        topic = None
        if answer.citations:
            topic = (answer.citations[0].doc_id, answer.citations[0].article)
        conversation.remember(query.text, topic, standalone=not follow_up and bool(answer.citations))
        answer.details.setdefault("follow_up", follow_up)
        return self._finish(answer, question, query, started, snap.corpus_version)

    def _finish(self, answer: Answer, question: str, query, started: float, version: str | None = None) -> Answer:
        answer.question = question
        answer.corpus_version = self.index.corpus_version if version is None else version
        if query.truncated:
            answer.details["truncated"] = True
            answer.answer = "（问题过长，只按开头部分处理。）\n\n" + answer.answer
        answer.latency_ms = (time.perf_counter() - started) * 1000
        return answer


def _with_context_coverage(retriever, retrieval, context, segmenter, settings, snapshot):
    """Coverage for a follow-up counts the earlier question's terms too."""
    joined = analyse(context + " " + retrieval.query.text, segmenter, settings.max_question_chars)
    hits = [replace(h, coverage=retriever.coverage(joined, h.clause, snapshot)) for h in retrieval.hits]
    return type(retrieval)(retrieval.query, hits)
