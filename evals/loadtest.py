"""Many processes behind a load balancer (issue 16, item 5).

    python evals/loadtest.py [--processes 2] [--conversations 20] [--rounds 3] [--synth 0] [--out evals/loadtest.md]

Starts, all on 127.0.0.1 in a temporary folder: one ``chroma run`` server; ``policy-assistant
ingest`` of the corpus (the seed corpus, plus ``--synth`` synthetic clauses from
evals/synth.py) into one index folder on that server; ``--processes`` ``python app.py``
processes on that index folder, that server and one shared conversation store (the default
SQLite file in the shared data folder); and nginx (Debian package; round-robin upstreams)
in front of them. Then it runs the conversations of evals/concurrency.py through nginx —
each round ``--conversations`` two-turn conversations at once — and, once the first round
is under way, rebuilds the index with one corpus file changed (``policy-assistant ingest``
in another process) while the rounds go on, until at least ``--rounds`` rounds have run
and one round after the rebuild.

Checked: no error and no 5xx; no cross-talk: every conversation cites exactly what it cites
when asked alone, one question at a time, on the same generation (before the load, and
after it on the new one) (the follow-up continues its own
conversation, also when nginx sent it to another process, ``X-Upstream``); on the seed
corpus both turns also cite the article the conversation is about (with ``--synth``
distractors that is retrieval quality, reported, not required); afterwards every process
answers from the new generation. Prints and
writes p50/p95 latency through nginx.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.appprocess import AppProcess, app_environment, free_port, stop_process  # noqa: E402

SEED_META = "jineng-qiangqi-zhidao-yijian.meta.json"
START_TIMEOUT_S = 120.0


def _load(name: str, file: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "evals" / file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


concurrency = _load("evals_concurrency", "concurrency.py")


def find_nginx() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.path.exists(p)), None)


def _wait_http(url: str, timeout: float, proc: subprocess.Popen, what: str, log: Path) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited ({proc.returncode}):\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with opener.open(url, timeout=2) as response:
                if response.status < 500:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer {url} in {timeout:.0f}s:\n{log.read_text(errors='replace')[-3000:]}")


class Service:
    """A background process with its log file; stopped on exit."""

    def __init__(self, args: list[str], log: Path, env: dict | None = None):
        self.log = log
        with open(log, "wb") as fh:
            self.proc = subprocess.Popen(args, stdout=fh, stderr=subprocess.STDOUT, env=env)

    def stop(self) -> None:
        stop_process(self.proc)


def start_chroma(folder: Path) -> tuple[Service, str]:
    chroma = shutil.which("chroma") or shutil.which("chroma", path=str(Path(sys.executable).parent))
    if chroma is None:
        raise RuntimeError("the chroma CLI (from the chromadb package) is not installed")
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    service = Service([chroma, "run", "--path", str(folder / "data"), "--host", "127.0.0.1", "--port", str(port)],
                      folder / "chroma.log", env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    url = f"http://127.0.0.1:{port}"
    _wait_http(url + "/api/v2/heartbeat", START_TIMEOUT_S, service.proc, "chroma run", service.log)
    return service, url


NGINX_CONF = """\
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream policy_assistant {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 1m;
        client_body_buffer_size 1m;
        location / {{
            proxy_pass http://policy_assistant;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_buffering off;
            proxy_read_timeout 120s;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


def start_nginx(folder: Path, upstreams: list[int]) -> tuple[Service, str]:
    """nginx on a free 127.0.0.1 port, round-robin (its default) over ``upstreams``."""
    nginx = find_nginx()
    if nginx is None:
        raise RuntimeError("nginx is not installed (Debian: apt-get install nginx)")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in upstreams)
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.format(dir=folder, servers=servers, port=port), encoding="utf-8")
    service = Service([nginx, "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")], folder / "nginx.out")
    url = f"http://127.0.0.1:{port}"
    _wait_http(url + "/", START_TIMEOUT_S, service.proc, "nginx", service.log)
    return service, url


def ingest(env: dict, log: Path) -> float:
    started = time.perf_counter()
    with open(log, "ab") as fh:
        subprocess.run([sys.executable, "-m", "assistant.cli", "ingest"], env=env, cwd=ROOT, stdout=fh,
                       stderr=subprocess.STDOUT, check=True, timeout=3600)
    return time.perf_counter() - started


def make_corpus(folder: Path, synth: int) -> Path:
    corpus = folder / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    if synth:
        _load("evals_synth", "synth.py").generate(corpus, synth, None, 0)
    return corpus


def change_one_file(corpus: Path) -> None:
    """Change one corpus file without changing what any answer says: the seed document's
    sidecar gains a note (its hash, so the corpus version, changes; it is re-embedded)."""
    path = corpus / SEED_META
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["load_test"] = f"changed at {time.time():.0f}"
    path.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")


@dataclass
class Result:
    processes: int
    conversations: int
    rounds: int = 0
    runs: list = field(default_factory=list)
    seconds: float = 0.0
    ingest_s: float = 0.0
    rebuild_s: float = 0.0
    rebuild_window: tuple[float, float] = (0.0, 0.0)  # seconds since the load started
    rebuild_error: str = ""
    versions_before: set = field(default_factory=set)
    versions_after: dict = field(default_factory=dict)  # app url → corpus_version answered after the rebuild
    expected_after: str = ""
    clauses: int = 0
    answers_during_rebuild: int = 0
    alone: dict = field(default_factory=dict)  # corpus version → plan number → what its turns cite, asked alone

    def as_alone(self, run) -> bool:
        """The conversation cites what it cites asked alone, one question at a time, on the
        generation that answered it: the follow-up continued this conversation and no
        other. (Generations are compared apart: at 10k clauses the rebuilt collection's
        approximate nearest neighbours can rank a distractor differently.)"""
        if len(run.replies) != 2:
            return False
        got = [cites(run, 0), cites(run, 1)]
        versions = {r.body.get("corpus_version") for r in run.replies}
        return any(got == self.alone.get(v, {}).get(run.number % self.conversations) for v in versions)

    def cross_talk(self) -> list[dict]:
        return [{"number": run.number, "upstreams": [r.headers.get("x-upstream") for r in run.replies],
                 "versions": [r.body.get("corpus_version") for r in run.replies],
                 "alone": {v: refs.get(run.number % self.conversations) for v, refs in self.alone.items()},
                 "under_load": [cites(run, 0), cites(run, 1)]}
                for run in self.runs if not run.error and not self.as_alone(run)]

    def ask_alone(self, apps: list, timeout: float) -> None:
        """Each conversation alone, one question at a time, on the generation served now."""
        for number in range(self.conversations):
            alone = concurrency.run_conversation(apps[number % len(apps)].url, number,
                                                 *concurrency.conversation_plan(number), threading.Barrier(1), timeout)
            version = alone.replies[0].body.get("corpus_version") if alone.replies else ""
            self.alone.setdefault(version, {})[number] = [cites(alone, 0), cites(alone, 1)]

    @property
    def replies(self) -> list:
        return [r for run in self.runs for r in run.replies]

    @property
    def errors(self) -> list[str]:
        return [f"#{run.number}: {run.error}" for run in self.runs if run.error]

    @property
    def server_errors(self) -> int:
        return sum(r.status_code >= 500 for r in self.replies)

    @property
    def crossed(self) -> list:
        """Conversations whose follow-up nginx sent to another process than their first question."""
        return [run for run in self.runs if len(run.replies) == 2
                and run.replies[0].headers.get("x-upstream") != run.replies[1].headers.get("x-upstream")]

    def upstreams(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for reply in self.replies:
            key = reply.headers.get("x-upstream", "?")
            counts[key] = counts.get(key, 0) + 1
        return counts

    def by_version(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for reply in self.replies:
            key = reply.body.get("corpus_version", "?")
            counts[key] = counts.get(key, 0) + 1
        return counts

    def summary(self) -> dict:
        ok = [r.seconds * 1000 for r in self.replies if r.status_code == 200]
        return {
            "processes": self.processes, "conversations_at_once": self.conversations, "rounds": self.rounds,
            "conversations": len(self.runs), "answers": len(ok), "errors": len(self.errors),
            "http_5xx": self.server_errors, "seconds": round(self.seconds, 1),
            "answers_per_s": round(len(ok) / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": round(concurrency.percentile(ok, 0.50), 1), "p95_ms": round(concurrency.percentile(ok, 0.95), 1),
            "max_ms": round(max(ok), 1) if ok else None,
            "follow_ups_resolved": sum(run.resolved for run in self.runs),
            "follow_ups_as_alone": sum(self.as_alone(run) for run in self.runs),
            "cross_talk_examples": self.cross_talk()[:10],
            "follow_ups_on_the_other_process": len(self.crossed),
            "crossed_and_resolved": sum(run.resolved for run in self.crossed),
            "distinct_conversation_ids": len({run.ids[0] for run in self.runs if run.ids}),
            "per_process": self.upstreams(), "clauses": self.clauses, "ingest_s": round(self.ingest_s, 1),
            "rebuild_s": round(self.rebuild_s, 1),
            "rebuild_window_s": [round(x, 1) for x in self.rebuild_window],
            "answers_during_rebuild": self.answers_during_rebuild, "rebuild_error": self.rebuild_error,
            "answers_by_version": self.by_version(),
            "versions_before": sorted(self.versions_before), "versions_after": self.versions_after,
            "expected_after": self.expected_after,
        }


def cites(run, turn: int) -> list[str]:
    """[document, article] of the main citation of turn ``turn`` (["", ""] when none)."""
    if len(run.replies) <= turn:
        return ["", ""]
    first = (run.replies[turn].body.get("citations") or [{}])[0]
    return [first.get("doc_id", ""), first.get("article", "")]


def run(processes: int = 2, conversations: int = 20, rounds: int = 3, synth: int = 0,
        timeout: float = 60.0, workdir: Path | None = None, rebuild_after_s: float = 1.0) -> Result:
    result = Result(processes, conversations)
    with tempfile.TemporaryDirectory(prefix="loadtest-") as tmp:
        base = Path(workdir or tmp)
        base.mkdir(parents=True, exist_ok=True)
        corpus = make_corpus(base, synth)
        services: list = []
        try:
            chroma, chroma_url = start_chroma(base / "chroma")
            services.append(chroma)
            env = app_environment(base, 0, POLICY_CHROMA_URL=chroma_url, POLICY_CORPUS_DIR=str(corpus))
            result.ingest_s = ingest(env, base / "ingest.log")
            apps = [AppProcess(base, timeout=START_TIMEOUT_S * 2, POLICY_CHROMA_URL=chroma_url,
                               POLICY_CORPUS_DIR=str(corpus)) for _ in range(processes)]
            services.extend(apps)
            for app in apps:  # warm: the first answer of each process loads the index and the model
                first = app.ask("预热", timeout=START_TIMEOUT_S)
                if first.status_code != 200:
                    raise RuntimeError(f"{app.url} did not answer: {first.body}\n{app.output()[-3000:]}")
                result.versions_before.add(first.body.get("corpus_version"))
            result.ask_alone(apps, timeout)  # the reference on the first generation
            nginx, url = start_nginx(base / "nginx", [app.port for app in apps])
            services.append(nginx)
            manifest = json.loads((base / "index" / "manifest.json").read_text(encoding="utf-8"))
            result.clauses = int(manifest.get("clauses", 0))

            done = threading.Event()
            started = time.perf_counter()

            def rebuild() -> None:
                try:
                    time.sleep(rebuild_after_s)
                    change_one_file(corpus)
                    begin = time.perf_counter()
                    result.rebuild_s = ingest(env, base / "rebuild.log")
                    result.rebuild_window = (begin - started, time.perf_counter() - started)
                except Exception as exc:  # noqa: BLE001 - reported, and fails the run
                    result.rebuild_error = f"{type(exc).__name__}: {exc}"
                finally:
                    done.set()

            rebuilder = threading.Thread(target=rebuild, name="rebuild", daemon=True)
            rebuilder.start()
            stamps, after = [], 0  # after: rounds begun once the rebuild was done (served by the new generation)
            while result.rounds < rounds or after < 1:
                rebuilt = done.is_set()
                round_start = time.perf_counter() - started
                load = concurrency.run_load(url, conversations, 1, timeout)
                stamps.append((round_start, time.perf_counter() - started, load.runs))
                result.runs.extend(load.runs)
                result.rounds += 1
                after += rebuilt
                if result.rounds > rounds + 200:
                    break
            rebuilder.join(timeout=3600)
            result.seconds = time.perf_counter() - started
            low, high = result.rebuild_window
            result.answers_during_rebuild = sum(len(r.replies) for a, b, runs in stamps if a < high and b > low
                                                for r in runs)
            manifest = json.loads((base / "index" / "manifest.json").read_text(encoding="utf-8"))
            result.expected_after = manifest.get("corpus_version", "")
            for app in apps:  # every process answers from the new generation
                reply = app.ask("职工教育经费用在一线职工身上的比例有什么要求？", timeout=timeout)
                result.versions_after[app.url] = reply.body.get("corpus_version", f"HTTP {reply.status_code}")
            result.ask_alone(apps, timeout)  # … and on the new one
        finally:
            for service in reversed(services):
                service.stop()
    return result


def report_markdown(s: dict, command: str, load_average: float) -> str:
    per_process = "，".join(f"{k} {v}" for k, v in s["per_process"].items())
    after = "、".join(sorted(set(s["versions_after"].values())))
    by_version = "，".join(f"{k} {v}" for k, v in s["answers_by_version"].items())
    resolved_note = ("（检索质量，不是串话：合成文件同样有“一”“二”…条，大语料中有的问题先被它们回答，单独问时也一样）"
                     if s["follow_ups_as_alone"] == s["conversations"] > s["follow_ups_resolved"] else "")
    return f"""# 多进程负载测试（load test, issue 16 item 5）

`{command}`：在 127.0.0.1 上启动一个 `chroma run` 服务器，`policy-assistant ingest` 建索引（{s['clauses']:,} 条款，
{s['ingest_s']} s），{s['processes']} 个 `python app.py` 进程共用这一个索引目录、这一个 chroma 服务器和一个对话库
（数据目录里的 `conversations.sqlite3`，SQLite WAL），前面是 nginx（轮询 upstream）。经 nginx 每轮同时进行
{s['conversations_at_once']} 个两问对话（evals/concurrency.py 的对话：先问自己的主题，再省略式追问），共 {s['rounds']} 轮；
第一轮开始后，另一个进程改动一个语料文件并运行 `policy-assistant ingest`（用时 {s['rebuild_s']} s，期间各轮照常进行）。

| 指标 | 结果 |
|---|---|
| 回答数 | {s['answers']}（{s['conversations']} 个对话） |
| 错误 / HTTP 5xx | **{s['errors']} / {s['http_5xx']}** |
| 延迟 p50 / p95 / max（经 nginx，客户端往返） | **{s['p50_ms']} / {s['p95_ms']}** / {s['max_ms']} ms |
| 吞吐量 | {s['answers_per_s']} answers/s（{s['seconds']} s） |
| 零串话：两问引用的文件与条文和该对话在同一代索引上单独依次问时相同 | **{s['follow_ups_as_alone']} / {s['conversations']}** |
| 两问都引用该对话主题所在的种子文件条文 | {s['follow_ups_resolved']} / {s['conversations']}{resolved_note} |
| 其中追问被 nginx 分到另一个进程 | {s['follow_ups_on_the_other_process']}（其中两问都引用主题条文：{s['crossed_and_resolved']}） |
| conversation_id 互不相同 | {s['distinct_conversation_ids']} / {s['conversations']} |
| 各进程回答数（X-Upstream） | {per_process} |
| 重建期间的回答（重建 {s['rebuild_window_s'][0]}–{s['rebuild_window_s'][1]} s） | {s['answers_during_rebuild']}，无 5xx |
| 语料版本：重建前 → 重建后各进程 | {', '.join(s['versions_before'])} → {after}（清单：{s['expected_after']}） |
| 负载中各代回答数 | {by_version} |

对话状态不在进程内存里：追问落到另一个进程时，从共享的 SQLite 对话库取出同一对话继续（`assistant/conversations.py`）。
各进程每问先查索引清单（一次 `stat`），发现新一代就重新加载，所以重建后所有进程都按新一代回答。

机器：{platform.system()} {platform.machine()}，{os.cpu_count()} CPU，Python {platform.python_version()}，nginx 来自 Debian，
开始时系统负载（1 分钟平均）{load_average:.1f}（本机同时有其他工作时延迟偏高）。
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--synth", type=int, default=0, help="synthetic clauses added to the seed corpus")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--out", default=str(ROOT / "evals" / "loadtest.md"))
    parser.add_argument("--workdir", help="keep the corpus, index and logs in this folder (default: a temporary one)")
    args = parser.parse_args(argv)
    load_average = os.getloadavg()[0]
    result = run(args.processes, args.conversations, args.rounds, args.synth, args.timeout,
                 Path(args.workdir) if args.workdir else None)
    summary = result.summary()
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    for error in result.errors[:10]:
        print("error:", error, file=sys.stderr)
    command = "python evals/loadtest.py " + " ".join(argv if argv is not None else sys.argv[1:])
    if args.out:
        Path(args.out).write_text(report_markdown(summary, command.strip(), load_average), encoding="utf-8")
        Path(args.out).with_suffix(".json").write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n",
                                                       encoding="utf-8")
    ok = (not result.errors and not result.server_errors and not result.rebuild_error
          and summary["follow_ups_as_alone"] == summary["conversations"]
          and (args.synth or summary["follow_ups_resolved"] == summary["conversations"])
          and set(result.versions_after.values()) == {result.expected_after})
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
